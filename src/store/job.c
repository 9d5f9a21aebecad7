/*
 * job.c (store) — job_runs and the housekeeping jobs' SQL (store/job.h).
 */
#include "store/job.h"

int store_jobs_lock(struct db *db, struct osb_err *e)
{
    return db_lock_key(db, e, "jobs", "run");
}

int store_job_ran(struct db *db, struct osb_err *e, const char *job, const char *period)
{
    int64_t done = 0;
    if (db_int(db, e, &done, "SELECT count(*) FROM job_runs WHERE job = ? AND period_key = ?", "ss",
               job, period) < 0)
        return -1;
    return done > 0;
}

int store_job_record(struct db *db, struct osb_err *e, const char *job, const char *period,
                     int64_t at)
{
    return db_exec(db, e, "INSERT INTO job_runs(job, period_key, ran_at) VALUES(?,?,?)", "ssi", job,
                   period, at) < 0
               ? -1
               : 0;
}

int store_job_sessions_cleanup(struct db *db, struct osb_err *e, int64_t idle_before,
                               int64_t failures_before)
{
    return db_exec(db, e, "DELETE FROM sessions WHERE last_seen < ?", "i", idle_before) < 0 ||
                   db_exec(db, e, "DELETE FROM login_failures WHERE at < ?", "i", failures_before) <
                       0
               ? -1
               : 0;
}

int store_job_idempotency_cleanup(struct db *db, struct osb_err *e, int64_t before)
{
    return db_exec(db, e, "DELETE FROM idempotency WHERE created_at < ?", "i", before) < 0 ? -1 : 0;
}
