/*
 * osb_issue.h (store) — the problem-log entry aggregate (…WT…): the osb_issues row and its
 * people (who must explain, who else was told). All of the problem log's SQL is here, with the
 * users it addresses (department heads, the SSG leader, the SLT) and the meeting report's
 * counts; flow/osb_issue.c and flow/meeting.c decide.
 */
#ifndef OSB_STORE_OSB_ISSUE_H
#define OSB_STORE_OSB_ISSUE_H

#include "core/docno.h"
#include "rules/perm.h"
#include "store/db.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

/* Instants are UTC microseconds, 0 when NULL; strings are owned, NULL when NULL. */
struct osb_issue {
    int64_t id;
    char number[DOCNO_MAX], rule[64], source[16], department[24], opened_by[40], state[16];
    char *document, *customer, *market, *description, *explanation, *cause, *explained_by,
        *resolution, *resolved_by, *completed_by_action, *meeting_month;
    int64_t deadline, opened_at, due_explanation_by, explained_at, resolved_at, completed_at,
        updated_at, carried_over, version;
    bool explanation_late, resolved_unexplained;
    json_t *responsible; /* usernames of kind 'explains', sorted (owned array) */
    json_t *notified;    /* usernames of kind 'notified', sorted (owned array) */
    /* What an action changed, for save: */
    bool explain_changed, resolve_changed, due_changed;
};

void store_osb_issue_release(struct osb_issue *w);

/* Who reads the log (kpis-and-reports.md §3.3): everything (all), or the entries naming
   username, plus for FSF (fsf) those about customers in scope and the sales department's
   without a customer, plus for a department role (department) that department's entries. */
struct osb_viewer {
    bool all, fsf;
    const char *username;
    const char *department; /* NULL when the role has no department view */
    struct scope_user scope;
};

/* The entry, if v (NULL: anyone) sees it, with its people: 1 found, 0 not, -1 error. */
int store_osb_issue_load(struct db *db, struct osb_err *e, const struct osb_viewer *v,
                         const char *number, struct osb_issue *w);
/* The automatic entry of (rule, document, deadline): 1 found (number set), 0 none, -1. */
int store_osb_issue_find(struct db *db, struct osb_err *e, const char *rule, const char *document,
                         int64_t deadline, char number[DOCNO_MAX]);
/* Inserts the entry row (number, rule, source, document, deadline (0: none), department,
   customer, market, description, opened_*, due_explanation_by, meeting_month) as open,
   version 1. */
int store_osb_issue_insert(struct db *db, struct osb_err *e, const struct osb_issue *w);
/* Adds people of kind ("explains" or "notified") to the entry; a repeat is ignored. */
int store_osb_issue_add_people(struct db *db, struct osb_err *e, const char *number,
                               json_t *usernames, const char *kind);
/* Notes the late completion once: 1 noted, 0 it was noted already, -1 error. */
int store_osb_issue_note_done(struct db *db, struct osb_err *e, const char *number, int64_t done_at,
                              const char *action, int64_t now);
/* Writes one action at once: state, version + 1, updated_at and what changed (the
   explanation — its cause kept when none is given —, the resolution, the due time). */
int store_osb_issue_save(struct db *db, struct osb_err *e, struct osb_issue *w, const char *state,
                         int64_t now);

struct osb_issue_filter {
    const char *state; /* a,b */
    const char *rule, *department, *source, *document, *market, *meeting_month;
    int64_t opened_from, opened_to; /* [from, to) */
    int64_t after_id;               /* cursor: ids below it (newest first); 0 first page */
    int limit;                      /* 0: no limit */
    bool oldest_first;              /* ascending id, no cursor (the meeting report) */
};
/* One page of the entries v sees: *items (malloc'ed array of *n aggregates with their
   people; free with store_osb_issue_free_all), *next_id the cursor of the next page or 0. */
int store_osb_issue_list(struct db *db, struct osb_err *e, const struct osb_viewer *v,
                         const struct osb_issue_filter *f, struct osb_issue **items, size_t *n,
                         int64_t *next_id);
void store_osb_issue_free_all(struct osb_issue *items, size_t n);

/* Entries still open whose explanation is due by now: [{number, department}] (a new array). */
json_t *store_osb_issue_overdue(struct db *db, struct osb_err *e, int64_t now);
/* Every entry not resolved and opened by now: carried_over + 1. */
int store_osb_issue_carry_over(struct db *db, struct osb_err *e, int64_t now);

/* ---- the users the log addresses: each appends usernames to out, without repeats ------- */

/* The head(s) of a department: the gm for slt, the SSG leader for ssg, else the active users
   of that department with the duty "head". */
int store_osb_department_heads(struct db *db, struct osb_err *e, const char *department,
                               json_t *out);
int store_osb_ssg_leaders(struct db *db, struct osb_err *e, json_t *out);
/* The active SLT members (gm, sales_director, deputy_director), with ssg too the SSG leader. */
int store_osb_slt(struct db *db, struct osb_err *e, bool ssg, json_t *out);
/* 1 when the user holds the duty "head", 0 not, -1 error. */
int store_osb_user_is_head(struct db *db, struct osb_err *e, const char *username);
/* 1 when an active user of that name exists, 0 not, -1 error. */
int store_osb_user_active(struct db *db, struct osb_err *e, const char *username);
/* Appends s to an array of strings unless empty or there already. */
void store_osb_add_user(json_t *arr, const char *s);

/* ---- the monthly meeting report's counts (kpis-and-reports.md §3.4) --------------------- */

/* Entries opened in [t0, t1) that v sees (market: of that market, or NULL): by rule and
   department [{rule, department, count}], and by cause [{cause, count}]; new arrays. */
json_t *store_osb_opened_by_rule(struct db *db, struct osb_err *e, const struct osb_viewer *v,
                                 int64_t t0, int64_t t1, const char *market);
json_t *store_osb_opened_by_cause(struct db *db, struct osb_err *e, const struct osb_viewer *v,
                                  int64_t t0, int64_t t1, const char *market);
/* Every unresolved entry v sees, oldest first: [{number, rule, source, document, department,
   opened_at (µs), explanation, carried_over, state}]. */
json_t *store_osb_unresolved(struct db *db, struct osb_err *e, const struct osb_viewer *v,
                             const char *market);

#endif
