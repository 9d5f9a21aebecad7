/*
 * job.h (store) — the background jobs' bookkeeping (job_runs: one row per job and period, so
 * a daily or monthly job never runs twice for a period) and the housekeeping jobs' SQL
 * (sessions, failed logins, idempotency records). flow/admin.c holds the job table.
 */
#ifndef OSB_STORE_JOB_H
#define OSB_STORE_JOB_H

#include "store/db.h"

#include <stdint.h>

/* Locks the timed jobs for the rest of the write transaction (PostgreSQL: an advisory key;
   SQLite: nothing): a run of the jobs by another instance waits, then sees what this one
   recorded in job_runs, so each job runs once per period. */
int store_jobs_lock(struct db *db, struct osb_err *e);
/* 1 when job has run for period, 0 not, -1 error. */
int store_job_ran(struct db *db, struct osb_err *e, const char *job, const char *period);
/* Records that job ran for period at `at`. */
int store_job_record(struct db *db, struct osb_err *e, const char *job, const char *period,
                     int64_t at);

/* Deletes the sessions last seen before idle_before and the failed logins before
   failures_before. */
int store_job_sessions_cleanup(struct db *db, struct osb_err *e, int64_t idle_before,
                               int64_t failures_before);
/* Deletes the idempotency records created before `before`. */
int store_job_idempotency_cleanup(struct db *db, struct osb_err *e, int64_t before);

#endif
