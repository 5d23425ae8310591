"""What the committee's 0 to 4 scale means, and what to look at for each criterion of the grid.

The programme's rules give the grid (labels, weights, "note de 0 à 4") but no wording for
the scale nor guidance per criterion; this is the reference wording shown to members, kept
here rather than in templates so the scoring page and its tests read the same words. A
criterion whose code is not listed shows its label alone.
"""

from __future__ import annotations

# The meaning of each score on the programme's scale (0 to 4).
SCALE: tuple[tuple[int, str, str], ...] = (
    (0, "Absent", "le dossier ne traite pas ce critère"),
    (1, "Insuffisant", "le critère est abordé, sans éléments qui le démontrent"),
    (2, "Moyen", "des points positifs, mais des faiblesses importantes"),
    (3, "Bon", "le critère est bien rempli, avec quelques réserves"),
    (4, "Excellent", "le critère est pleinement rempli et démontré"),
)
SCALE_MAX = SCALE[-1][0]

# What a member looks for in the dossier, per criterion code of the reference grid.
CRITERION_HINTS: dict[str, str] = {
    "utilite_sociale": "Le projet répond-il à un besoin réel, peu ou mal couvert sur le "
    "territoire\u00a0? Qui en profite\u00a0?",
    "viabilite_economique": "Les ressources propres, le plan de financement et les "
    "cofinancements permettent-ils au projet de tenir dans la durée\u00a0?",
    "emploi": "Combien d'emplois créés ou consolidés, de quelle qualité, et quelle place "
    "pour les personnes éloignées de l'emploi\u00a0?",
    "ancrage_territorial": "Le projet s'appuie-t-il sur des partenaires locaux\u00a0? "
    "Profite-t-il aux habitants des quartiers prioritaires\u00a0?",
    "gouvernance": "Les décisions sont-elles prises ensemble\u00a0? Les bénéfices restent-ils "
    "dans le projet plutôt que d'être distribués\u00a0?",
    "innovation_sociale": "Le projet apporte-t-il une réponse nouvelle, en coopérant ou en "
    "mutualisant avec d'autres\u00a0?",
    "transition_ecologique": "Le projet réduit-il son impact sur l'environnement ou "
    "aide-t-il d'autres à le faire\u00a0?",
}


def scale_for(max_score: int) -> list[tuple[int, str]]:
    """Choices of a criterion's radio buttons: "3 — Bon : …" on the reference scale, the
    bare number beyond it (a grid configured with another maximum)."""
    words = {value: f"{value} — {name}\u00a0: {meaning}" for value, name, meaning in SCALE}
    if max_score != SCALE_MAX:
        words = {}
    return [(value, words.get(value, str(value))) for value in range(max_score + 1)]


def hint_for(code: str) -> str:
    return CRITERION_HINTS.get(code, "")
