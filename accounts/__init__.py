"""People and organisations: the custom user (e-mail login), organisations of each kind (MEL
programme team, support organisations, financiers, selection committees, steering/evaluation)
each backed by a Django group, memberships with a role, the permission policy table
(``policy.py``) and the services that grant and revoke object permissions to organisation
groups when relationships change."""
