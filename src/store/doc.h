/*
 * doc.h (store) — the SQL every document shares: the list page (newest first, by number), the
 * data-scope condition of lists, the generic state move, and the timeline tables of the
 * simple documents. Table and column names always come from the callers' string literals,
 * never from a request.
 */
#ifndef OSB_STORE_DOC_H
#define OSB_STORE_DOC_H

#include "core/sb.h"
#include "rules/perm.h"
#include "store/db.h"

#include <jansson.h>
#include <stdbool.h>

/* Appends " AND ..." limiting a list to the customers u may see (numbering-and-rules §4): the
   SQL twin of scope_sees_customer(). cust is the alias of the customers table in the query. */
void store_scope_sql(const struct scope_user *u, struct sb *sql, json_t *params, const char *cust);

/* Appends " AND <column> = ?" when value is given. */
void store_filter_eq(struct sb *sql, json_t *params, const char *column, const char *value);
/* Appends " AND <column> IN (?,...)" for a comma-separated value (api.md §5.1 state=a,b). */
void store_filter_in(struct sb *sql, json_t *params, const char *column, const char *value);

/* api.md §5.1 q=: appends " AND (lower(c) LIKE lower(?) ESCAPE '\' OR ...)" over the
   NULL-terminated column expressions cols, matching q as a case-insensitive substring; '%', '_'
   and '\' in q match themselves. Nothing when q is NULL or "" (an empty q is no q). */
void store_filter_like(struct sb *sql, json_t *params, const char *q, const char *const *cols);
/* The LIKE pattern of q (a malloc'ed "%q%" with '%', '_' and '\' escaped for ESCAPE '\'), or
   NULL when q is NULL or "": for fixed queries that bind it as "lower(c) LIKE lower(?)". */
char *store_like_pat(const char *q);
/* The q= of a document list: a substring of the document number (number_col), of the
   customer's code or name (cust: alias of the customers table in the query, NULL when none),
   or of a SKU: sku_col alone when the SKU is the document's own column, or when sku_lines is
   given any line's, as EXISTS (SELECT 1 FROM <sku_lines> AND <sku_col> LIKE ...), sku_lines
   being "<line table> <alias> WHERE <alias>.<doc key> = <number_col>". NULL: no SKU. */
void store_filter_q(struct sb *sql, json_t *params, const char *q, const char *number_col,
                    const char *cust, const char *sku_col, const char *sku_lines);

/* A document list for store_filter_q_doc: e.g. {"orders", "o", "o.number", "o.customer", "cu",
   "order_lines", "order_no", "sku", "DD", "line_no"}; type: the document type of its
   numbers (seq_next_docno's, which every number of the table comes from); line_no: the
   lines' number within their document (the second column of the lines' key). */
struct store_q_doc {
    const char *table, *alias, *number, *customer, *cust, *lines, *line_doc, *line_sku, *type,
        *line_no;
};
/* store_filter_q's rows (number, customer code or name, a line's SKU; case-insensitive
   substring), found through indexes: one query matches the text against the customers, the
   distinct SKUs of the lines and the number heads of the type (doc_seq's rows: the numbers
   being {prefix}{yyyymmdd}{type}{seq}), which turns it into customer codes, SKUs, number
   ranges and numbers the list's indexes find. When that would be more than a few thousand
   rows (a short or common text) it appends store_filter_q itself, which then finds a page
   early in the number order. -1 on a database error.
   When q names one SKU and nothing else, the list is read from that SKU's lines, newest
   document first (the lines' (sku, document) index): *by_line is set, the condition joins
   the lines under the alias "qd" (one row per document: its first line of the SKU), and the
   caller puts "<lines> qd, " before its own FROM and pages by "qd.<line_doc>" (equal to the
   document's number). Otherwise *by_line is false and the query is the caller's as it was. */
int store_filter_q_doc(struct db *db, struct osb_err *e, struct sb *sql, json_t *params,
                       const char *q, const struct store_q_doc *d, bool *by_line);

/* Finishes a list whose q= went through store_filter_q_doc: "SELECT <d->number> FROM
   [<d->lines> qd, ]<from> WHERE 1=1<conds>" (the lines when by_line), paged as
   store_doc_page does by the number (by the line's document when by_line). Takes over conds
   and params. */
int store_doc_page_q(struct db *db, struct osb_err *e, const struct store_q_doc *d,
                     const char *from, struct sb *conds, json_t *params, bool by_line,
                     const char *cursor, int limit, json_t **numbers, char **next);

/* Finishes a list query selecting the document number in column col: the cursor (numbers
   below it), newest first, limit + 1 rows. Takes over sql and params. *numbers gets the
   numbers of the page (a new array of strings), *next the cursor of the next page or NULL
   (a new string the caller frees). */
int store_doc_page(struct db *db, struct osb_err *e, struct sb *sql, json_t *params,
                   const char *col, const char *cursor, int limit, json_t **numbers, char **next);

/* Locks the document <object> <number> for the rest of the write transaction (doc_act takes
   it before its load: two actions on one document run one after the other, the second loads
   what the first committed). PostgreSQL: an advisory key ("doc:<object>", number); SQLite:
   nothing (one writer). */
int store_doc_lock(struct db *db, struct osb_err *e, const char *object, const char *number);

/* One timeline row in <table> keyed by <keycol>. */
int store_doc_event(struct db *db, struct osb_err *e, const char *table, const char *keycol,
                    const char *number, int64_t at, const char *action, const char *actor,
                    const char *from, const char *to, const char *comment);
/* That timeline in order: [{action, actor, at (µs), from_state, to_state, comment}]. */
json_t *store_doc_timeline(struct db *db, struct osb_err *e, const char *table, const char *keycol,
                           const char *number);

/* A list page read with one statement a kind for all its documents (issue #17), not one an
   document. store_sql_in: " IN (?, ?, …)" over the strings of nums, each appended to p. */
void store_sql_in(struct sb *sql, json_t *p, json_t *nums);
/* head + " IN (nums)" + tail run with the parameters p (taken: the IN's strings are appended
   after p's own); the open query, or NULL with e set. */
struct dbq *store_query_in(struct db *db, struct osb_err *e, const char *head, json_t *p,
                           json_t *nums, const char *tail);
/* The position of the string s in nums, or -1 (a page holds at most a few hundred). */
long store_index_of(json_t *nums, const char *s);
/* The rows of head + " IN (nums)" + tail by document: an object number → array of its rows
   in the order the statement gave them. The statement's first column is the document's
   number named page_doc; whole: each row without it, else only the row's second column. An
   empty nums runs nothing. NULL with e set. */
json_t *store_rows_by_doc(struct db *db, struct osb_err *e, const char *head, json_t *nums,
                          const char *tail, bool whole);

#endif
