"""Forms of « Mes données personnelles » and of the DPO's page."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

TOPICS = [
    ("rectification", _("Faire corriger une information")),
    ("effacement", _("Demander l'effacement de données")),
    ("opposition", _("M'opposer à un usage de mes données")),
    ("question", _("Poser une question")),
]


class DpoRequestForm(forms.Form):
    topic = forms.ChoiceField(label=_("Votre demande porte sur"), choices=TOPICS)
    text = forms.CharField(
        label=_("Votre message"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Dites quelle information est concernée et ce que vous souhaitez. "
            "La réponse vous est envoyée par e-mail, dans un délai d'un mois."
        ),
    )

    def topic_label(self) -> str:
        return str(dict(TOPICS).get(self.cleaned_data["topic"], ""))


class PersonSearchForm(forms.Form):
    email = forms.EmailField(
        label=_("Adresse e-mail de la personne"),
        max_length=254,
        help_text=_("L'adresse avec laquelle la personne se connecte, par exemple nom@exemple.fr."),
    )
