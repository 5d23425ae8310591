"""The programme and its money: plan axes, programmes under an axis ("Entreprendre Autrement"
is one), and the versioned call rules each dossier is judged by (grant cap, cap as a share of
the budget, eligible legal forms, age limits, required documents, scoring grid). Funding lines,
conventions and disbursements join them as the journey is built."""
