/*
 * market_files.h (flow) — files attached to market documents and consumer records.
 *
 * Files (issue #12): a POP request's placement photo (flows.md §13 "verify placement at a
 * visit (photo)"), an expense application's evidence (§15 "execute (actual amount,
 * evidence)"), a support request's documents marked `internal` or `external` (§19: only
 * external ones go to the dealer; numbering-and-rules.md §7.4). Uploads are the raw file as
 * the body, limited in size (MKT_FILE_MAX) and type (the declared Content-Type must be one
 * the document takes and the bytes must start as that type does); they are kept in the
 * database, read back through the document's own scope.
 *
 * Consumer records (消费者名单, entities.md §2.5, flows.md §14.7): collected by the CSR, called
 * by customer service (each call also a call log of kind consumer_follow_up; the result goes to
 * the UM and the collecting CSR); seen by customer service, the collecting CSR, the customer's
 * KAM and UM and auditors; the phone masked (138****1234) except for customer service and
 * auditors (numbering-and-rules.md §7.5).
 */
#ifndef OSB_FLOW_MARKET_FILES_H
#define OSB_FLOW_MARKET_FILES_H

#include "flow/ctx.h"
#include "flow/market.h"

#include <jansson.h>

#define MKT_FILE_MAX (5u << 20)

struct mkt_file_meta {
    const char *name, *kind, *title, *visibility;
};

int mkt_file_upload(struct ctx *c, enum mkt_doc t, const char *number, const char *ctype,
                    const char *data, size_t len, const struct mkt_file_meta *m, json_t **out,
                    struct osb_err *e);
/* visibility: NULL all, "external" what may go to the customer. */
int mkt_file_list(struct ctx *c, enum mkt_doc t, const char *number, const char *visibility,
                  json_t **out, struct osb_err *e);
/* Contracts take files the same way (issue 13, flows.md §7 "attachments"):
   POST /contracts/{number}/attachments (the raw file: PDF, JPEG, PNG, WebP; kind
   "attachment") by who drafts, signs or archives contracts; GET lists them; the bytes through
   GET /market-files/{id} within the contract's scope. */
int contract_file_upload(struct ctx *c, const char *number, const char *ctype, const char *data,
                         size_t len, const struct mkt_file_meta *m, json_t **out,
                         struct osb_err *e);
int contract_file_list(struct ctx *c, const char *number, json_t **out, struct osb_err *e);
/* GET /market-files/{id}: the bytes (*data malloc'ed) and their type (a static string). */
int mkt_file_content(struct ctx *c, const char *id, char **data, size_t *len, const char **mime,
                     struct osb_err *e);
/* POST /support-requests/{number}/documents/{id}/send: an external document to the dealer
   (422 internal_document for an internal one). */
int mkt_file_send(struct ctx *c, const char *number, const char *id, json_t **out,
                  struct osb_err *e);

int consumer_create(struct ctx *c, json_t *body, json_t **out, struct osb_err *e);
int consumer_get(struct ctx *c, const char *id, json_t **out, struct osb_err *e);
/* state: pending (no follow-up call yet), followed_up; several separated by commas. */
int consumer_list(struct ctx *c, const char *customer, const char *state, const char *q,
                  const char *cursor, int limit, json_t **out, struct osb_err *e);
int consumer_follow_up(struct ctx *c, const char *id, json_t *body, json_t **out,
                       struct osb_err *e);

#endif
