"""The Comité métropolitain: meetings, their semester report, its pages, PDF and admin."""
