/*
 * osb_issue.h — the OSB problem log (OSB问题记录表, kpis-and-reports.md §3; api.md §3.7):
 * entries numbered …WT…, opened automatically by the deadline job (flow/deadlines.c) and the
 * KPI breach job (flow/kpi.c), or by hand by the SSG leader and department heads; explained by
 * the users the rule names, resolved by the SSG leader. A document on the kernel (flow/doc.h):
 * its table is rules/osb_issue.c, its SQL store/osb_issue.c. The monthly meeting report and
 * its job are flow/meeting.c.
 */
#ifndef OSB_FLOW_OSB_ISSUE_H
#define OSB_FLOW_OSB_ISSUE_H

#include "core/calendar.h"
#include "flow/ctx.h"
#include "store/osb_issue.h"

#include <jansson.h>

/* What an automatic entry is opened with. Arrays are borrowed. */
struct osb_open {
    const char *rule;       /* "oa_30min", "kpi_shipment_accuracy", ... */
    const char *department; /* entities §1.4 */
    const char *document;   /* the document whose deadline passed (or "2026-11:S" for KPIs) */
    ts_t deadline;          /* the instant that passed */
    const char *customer, *market; /* for the data scope and the meeting report; may be NULL */
    const char *description;
    json_t *explainers;  /* array of usernames who must explain */
    json_t *also_notify; /* further usernames told (e.g. the SLT for sp_48h), may be NULL */
};

/* Opens the entry unless one exists for (rule, document, deadline): 1 opened (number set),
   0 it existed (number set to it), -1 error. Notifies the explainers, the head of the
   department and the SSG leader. cal is the working calendar (due_explanation_by). */
int osb_issue_open(struct ctx *c, const struct calendar *cal, const struct osb_open *o,
                   char number[32], struct osb_err *e);

/* The automatic entry of (rule, document, deadline): 1 found (number set), 0 none, -1 error. */
int osb_issue_find(struct ctx *c, const char *rule, const char *document, ts_t deadline,
                   char number[32], struct osb_err *e);

/* Notes on an entry that the late step was done after all (never resolves it; §3.3). */
int osb_issue_note_done(struct ctx *c, const char *number, ts_t done_at, const char *action,
                        struct osb_err *e);

/* Usernames of the head(s) of a department: the gm for slt, the SSG leader for ssg, else the
   active users of that department with the duty "head". Appends to out (no repeats). */
int osb_department_heads(struct ctx *c, const char *department, json_t *out, struct osb_err *e);

/* Who the caller is as a reader of the log (§3.3 visibility), for store queries. */
void osb_issue_viewer(const struct ctx *c, struct osb_viewer *v);

/* The entries f selects that the caller sees, as list items (no timeline; with
   allowed_actions): *items a new array, *next_id the cursor of the next page or 0. */
int osb_issue_items(struct ctx *c, const struct osb_issue_filter *f, json_t **items,
                    int64_t *next_id, struct osb_err *e);

struct osb_issue_query {
    const char *state, *rule, *department, *source, *document, *market, *from, *to;
    int64_t after_id; /* cursor: the last id seen, 0 for the first page */
    int limit;
    const char *q; /* api.md §5.1 q= (store_filter_q), NULL: none */
};
/* GET /osb-issues (state=a,b). */
int osb_issue_list(struct ctx *c, const struct osb_issue_query *q, json_t **out, struct osb_err *e);
/* GET /osb-issues/{number}: with the timeline and allowed_actions. */
int osb_issue_get(struct ctx *c, const char *number, json_t **out, struct osb_err *e);
/* POST /osb-issues/{number}/{explain|resolve|reopen}: the kernel's doc_act(). */
int osb_issue_act(struct ctx *c, const char *number, const char *action, json_t *body, json_t **out,
                  struct osb_err *e);
/* POST /osb-issues: a manual or meeting entry (§3.2). */
int osb_issue_create(struct ctx *c, json_t *body, json_t **out, struct osb_err *e);

/* Job (flows.md §20), daily 09:00: period is the date ("2026-12-01"). */
int osb_job_reminders(struct ctx *c, const char *period, struct osb_err *e);

/* This document kind, for the work queue (flow/queue.c). */
struct doc_kind;
extern const struct doc_kind *const osb_issue_doc_kind;

#endif
