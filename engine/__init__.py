# The recompute engine, by stage: metrics, classify, apply, notify, run
# (each with its SQL in <stage>_sql.py); the contact-cadence job is in
# models/policy/ with the rest of the segment policy.
