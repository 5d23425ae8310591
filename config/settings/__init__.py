"""Settings modules: ``base`` (everything, from the environment), ``local`` (developer run),
``test`` (pytest) and ``production`` (security hardening only)."""
