"""The selection committee's side: committee sessions of the permanent call (date, place,
status, agenda cut-off), and — as the journey is built — conflicts of interest, weighted scores
and the session's deliberation. Committee members only ever see their own sessions."""
