"""The dossier as its holder lives it: where it stands in the whole journey, what is expected
from whom and by when, and what happened, in sentences. Read by the status page and by the
home page; no internals (node names, field names, permissions) ever reach these words."""
