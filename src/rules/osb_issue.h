/*
 * osb_issue.h — the OSB problem-log entry (OSB问题记录, …WT…; kpis-and-reports.md §3.3,
 * api.md §3.7, numbering-and-rules.md §3) as a document table:
 *
 *   open → explain → explained;  open, explained → resolve → resolved;
 *   explained → reopen → open (a new due_explanation_by).
 *
 * Entries are made, not moved into being: automatically by the deadline and KPI jobs, or by
 * POST /osb-issues as a `manual` entry (matrix row "manual entry": ssg_leader, a department
 * head 'H') or a `meeting` entry (row "resolve; record meeting entries": ssg_leader). Those
 * two creation rows are named here (osb_issue_create_perm) so the table holds every rule of
 * the entry; creation itself is not an action of an existing document.
 *
 * Pure: who beyond the matrix (explain: a user the entry names, or the SSG leader) is decided
 * in flow/osb_issue.c from these facts.
 */
#ifndef OSB_RULES_OSB_ISSUE_H
#define OSB_RULES_OSB_ISSUE_H

#include "rules/doc.h"

#include <stdbool.h>

enum osb_issue_state { WS_OPEN, WS_EXPLAINED, WS_RESOLVED };
enum osb_issue_action { WA_EXPLAIN, WA_RESOLVE, WA_REOPEN };

extern const struct doc_type osb_issue_doc;

/* The entry's sources (the `source` column and list filter). */
extern const char *const osb_issue_sources[]; /* auto, meeting, manual */
/* The departments of entities §1.4 an entry may belong to. */
extern const char *const osb_issue_departments[];
/* The causes an explanation may name. */
extern const char *const osb_issue_causes[];

/* Is s one of the NULL-terminated list? */
bool osb_issue_in(const char *const *list, const char *s);

/* The matrix row that says who may create an entry of this source ("manual" or "meeting"). */
enum perm_action osb_issue_create_perm(const char *source);

#endif
