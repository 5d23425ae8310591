"""Reads about applicants' data; every list is filtered per object for the user."""
