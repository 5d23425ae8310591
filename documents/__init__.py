"""Documents handed to us by applicants: checked (type by content, size, archives, active
content, antivirus when configured), stored outside the web root under random names, served
only through a permission-checked view."""
