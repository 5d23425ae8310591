"""Who applies and where: the applicant's person and consents, their structures (legal form,
SIREN/SIRET, RNA, NAF, ESUS, bank details) and projects, and the territory reference data the
programme depends on — MEL communes, QPV lists and perimeters, the address geocoder adapter and
the QPV determination (computed, declared, verified by staff)."""
