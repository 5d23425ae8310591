"""Aid-law checks on a dossier's financing plan (de minimis, public-aid cumulation and
intensity, leverage): each check reads the dossier and says ok, warning or blocking, with its
figures and legal sources. ``report.application_aid_report`` runs them all."""
