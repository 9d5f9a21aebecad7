/*
 * deadline.h (store) — the SQL of the deadline job (flow/deadlines.c; docs/deadlines.md): per
 * rule one query for its candidates — the documents whose clock started, each with the
 * instant the awaited step happened (done_at) or NULL — and one for the customer and market of
 * a document; and per kind of person one query for who must explain. flow/deadlines.c holds
 * the rules (department, time limit, who explains) and judges every candidate.
 */
#ifndef OSB_STORE_DEADLINE_H
#define OSB_STORE_DEADLINE_H

#include "rules/deadline.h"
#include "store/db.h"

#include <jansson.h>

/* Who explains: one bit per kind of person (store_deadline_explainers). */
enum {
    EX_ORDER_CSR = 1 << 0,
    EX_SSG_LEADER = 1 << 1,
    EX_FINANCE = 1 << 2,
    EX_SUPERVISOR = 1 << 3, /* the market's supervising SLT member and their secretary */
    EX_SLT_NOT_VOTED = 1 << 4,
    EX_SCR = 1 << 5,
    EX_WAREHOUSE_HEAD = 1 << 6,
    EX_SHIPMENT_CSR = 1 << 7,
    EX_BCR = 1 << 8,
    EX_KAM = 1 << 9,
    EX_RECEIVER = 1 << 10,      /* who received the instrument */
    EX_STATEMENT_KAM = 1 << 11, /* the statement's customer's KAM */
    EX_CONTRACT_KAM = 1 << 12,
    EX_CONTRACT_CSR = 1 << 13, /* the customer's CSR, else the market's default CSR */
    /* field sales */
    EX_FIELD_MM = 1 << 14,         /* the MM of the field document's market */
    EX_FIELD_SUPERVISOR = 1 << 15, /* the supervising SLT member of its market */
    EX_FIELD_OWNER = 1 << 16,      /* its owner (a visit plan's rep) */
    EX_FIELD_HANDLER = 1 << 17,    /* an after-sales ticket's handler (customer service) */
    EX_FIELD_ITEM_OWNER = 1 << 19, /* the owner of a visit plan item ("<plan>/<seq>") */
    EX_FIELD_CSR = 1 << 18,        /* the CSRs (of the market: its default CSR; else all) */
    EX_WEEK_PLANNER = 1 << 20,     /* the rep of a weekly plan ("YYYY-Www:<user>") */
    EX_WEEK_MANAGER = 1 << 21,     /* ... and that rep's manager, who confirms it */
};

/* The candidates of rule (its code) that may need work at now: started since `since` (the
   lookback) or still waiting, minus those whose entry exists already (still waiting, or done
   and noted) and those done before the earliest instant dl's deadline can be. Rows: document,
   start_at (instant) or start_date (YYYY-MM-DD), done_at and done_action (NULL while
   waiting), ref, owner_customer and owner_market (the document's customer and market, or
   NULL). A new array; NULL with e set (also for an unknown rule). */
struct deadline_when {
    int64_t now;
    int64_t since;      /* now − the lookback */
    int64_t settled;    /* the rule's settled mark (0: none) */
    int64_t done_since; /* the earliest completion not judged yet (<= since: every one) */
    int64_t due_upto;   /* 0, or the latest start whose deadline has come by now (the flow's
                           deadline_last_due_start on the working calendar): the stays that
                           started after it are not read (a rule with a date start ignores it) */
};
json_t *store_deadline_candidates(struct db *db, struct osb_err *e, const char *rule,
                                  const struct deadline_rule *dl, const struct deadline_when *w,
                                  int tz_min, int64_t *upto);
/* SQLite: the rows of EXPLAIN QUERY PLAN of that statement (columns id, parent, notused,
   detail), for the tests that hold each rule's query to its indexes (no temporary b-tree). */
json_t *store_deadline_candidates_plan(struct db *db, struct osb_err *e, const char *rule,
                                       const struct deadline_rule *dl,
                                       const struct deadline_when *w, int tz_min);
/* The code of the i-th rule the store has a query for, NULL past the last. */
const char *store_deadline_rule_code(size_t i);

/* Settled marks (issue #15 item 11a). A rule whose clock starts at an instant the flow records
   as it happens (an order's or field document's state change, a release, an ST request) is
   markable: after a run, every stay of it still waiting that started at or before the rule's
   mark `settled` has its entry, so later runs read the waiting stays after the mark only —
   those already late and logged cost nothing, however many. The order stays of the lookback
   that are done are read only when done at or after done_since (the mark's `at`, the rule's
   previous run, less a margin: flow/deadlines.c); a rule without that form reads every recent
   stay, done or not. *upto (from store_deadline_candidates) is the latest start the run read.
   store_deadline_marks: every mark, {rule: {"settled", "at" (the run's now)}}, one statement
   (NULL with e set). store_deadline_marks_clear forgets every mark (a test clock set back, a
   setting changed). */
bool store_deadline_markable(const char *rule);
json_t *store_deadline_marks(struct db *db, struct osb_err *e);
int store_deadline_mark_set(struct db *db, struct osb_err *e, const char *rule, int64_t settled,
                            int64_t at);
int store_deadline_marks_clear(struct db *db, struct osb_err *e);

/* Appends (without repeats) the usernames of every kind of person in bits for the document
   doc (ref: e.g. the ST request id). */
int store_deadline_explainers(struct db *db, struct osb_err *e, unsigned bits, const char *doc,
                              int64_t ref, json_t *out);

/* The documents still waiting in rule (its code) at now, whether or not their deadline passed
   or their entry exists: rows document, start_at or start_date (for the work queue's
   deadline, flow/deadlines.c deadlines_waiting). A new array; NULL with e set. */
json_t *store_deadline_waiting(struct db *db, struct osb_err *e, const char *rule, int64_t now,
                               int tz_min);

#endif
