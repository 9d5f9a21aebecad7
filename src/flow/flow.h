/*
 * flow.h — helpers every flow uses: permission gate, audit, document numbers, If-Match.
 */
#ifndef OSB_FLOW_H
#define OSB_FLOW_H

#include "flow/ctx.h"

#include <jansson.h>

/* 403 forbidden (rule "role") unless the acting role may act on a (any symbol but '-'/'R'). */
int flow_need(struct ctx *c, enum perm_action a, struct osb_err *e);
/* 403 unless the role may at least read what a concerns. */
int flow_need_read(struct ctx *c, enum perm_action a, struct osb_err *e);

/* One audit row for the acting user. before/after are borrowed. */
int flow_audit(struct ctx *c, struct osb_err *e, const char *action, const char *object_type,
               const char *object_key, json_t *before, json_t *after);
int flow_audit_obo(struct ctx *c, struct osb_err *e, const char *on_behalf_of, const char *action,
                   const char *object_type, const char *object_key, json_t *before, json_t *after);

/* Before a read of the audit chain, outside a transaction: every entry committed so far is
   chained (store/audit.c "Sealing"). */
int flow_audit_settle(struct db *db, struct osb_err *e);

/* The next document number of the type, dated today in the company zone. */
int flow_docno(struct ctx *c, struct osb_err *e, const char *type, char *out);

/* 409 version_conflict when the request carried If-Match and it differs from current. */
int flow_check_version(struct ctx *c, struct osb_err *e, int64_t current);

/* Appends " AND ..." limiting a list to the customers the caller may see (numbering-and-rules
   §4): the SQL twin of scope_sees_customer() in rules/perm.c. cust is the alias of the
   customers table in the query. */
struct sb;
void flow_scope_sql(const struct ctx *c, struct sb *sql, json_t *params, const char *cust);

/* Builds one document's answer by its number. */
typedef int (*flow_doc_fn)(struct ctx *c, const char *number, json_t **out, struct osb_err *e);

/* {"items":[fn(number)...],"next_cursor":next|null} for a page of numbers a store list gave. */
int flow_doc_items(struct ctx *c, json_t *numbers, const char *next, flow_doc_fn fn, json_t **out,
                   struct osb_err *e);

/* Answer values: s as a JSON string, null when NULL or empty; t (UTC µs) as RFC 3339 in the
   company zone, null when 0 (not yet). Both new references. */
json_t *flow_json_str(const char *s);
json_t *flow_json_ts(const struct ctx *c, int64_t t);

/* Turns the integer timestamp (UTC microseconds) at obj[key] into RFC 3339 in the company
   zone, as every answer shows times (api.md §1); other values are left as they are. */
void flow_ts(const struct ctx *c, json_t *obj, const char *key);

/* The timeline of the simple documents (contracts, instruments, invoice requests, problem-log
   entries, returns, statements): one row per action in `table`, keyed by `keycol`. */
int flow_doc_event(struct ctx *c, struct osb_err *e, const char *table, const char *keycol,
                   const char *number, const char *action, const char *from, const char *to,
                   const char *comment);
/* That timeline in order, times as RFC 3339; NULL with e set on error. */
json_t *flow_doc_timeline(struct ctx *c, struct osb_err *e, const char *table, const char *keycol,
                          const char *number);

/* Calls the ctx's money_changed hook for customer (0 when none is set). */
int flow_money_changed(struct ctx *c, const char *customer, struct osb_err *e);

/* Today in the company zone. */
date_t flow_today(const struct ctx *c);

/* Opaque list cursors (api.md §1 lists): the sort key of the last row sent, an array of n
   strings, as hex of its JSON text so a client can pass it back in a URL unchanged.
   flow_cursor_make returns a new string (caller frees); flow_cursor_parse answers 400
   bad_request (field "cursor") when the text is not a cursor of n values, else a new array. */
char *flow_cursor_make(json_t *key);
int flow_cursor_parse(const char *cursor, size_t n, json_t **key, struct osb_err *e);

#endif
