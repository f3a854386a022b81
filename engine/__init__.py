# The recompute engine, by stage: metrics, classify, apply, notify, run
# (each with its SQL in <stage>_sql.py); cadence is the contact-cadence job.
