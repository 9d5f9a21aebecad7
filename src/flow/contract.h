/*
 * contract.h — contracts (合同, HT; flows.md §7, entities.md §9), the minimal real flow:
 * draft (csr, or the customer's KAM/rep) → approve (the MM of the market; a major or deviating
 * contract also the supervising SLT member, after the MM — approved once every required
 * approval is in) → sign (onsite or fax_courier; signed_at starts contract_1wd) → archive.
 * Orders may name a signed contract of their customer (flow/order.c).
 *
 * Each call runs inside the caller's transaction. Answers are owned by the caller.
 */
#ifndef OSB_FLOW_CONTRACT_H
#define OSB_FLOW_CONTRACT_H

#include "flow/ctx.h"

#include <jansson.h>

int contract_create(struct ctx *c, json_t *body, json_t **out, struct osb_err *e);
struct contract_query {
    const char *customer, *state, *kind, *cursor;
    int limit;
    const char *q; /* api.md §5.1 q= (store_filter_q), NULL: none */
    bool expiring; /* only signed/archived contracts whose valid_to is within the flag days */
};
int contract_list(struct ctx *c, const struct contract_query *q, json_t **out, struct osb_err *e);
/* A contract draft opened by a won quotation (flows.md §8) with its terms: customer, value,
   payment term (-1: the customer's), valid from today; its number into out (DOCNO_MAX). */
int contract_open_from_quotation(struct ctx *c, const char *quotation, const char *customer,
                                 int64_t value_fen, int term_days, char *out, struct osb_err *e);

/* 0 when number is a signed (or archived) contract of customer; else 422 unknown_reference on
   field "contract". */
int contract_check_for_order(struct ctx *c, const char *number, const char *customer,
                             struct osb_err *e);

/* This document kind, for the work queue (flow/queue.c). */
struct doc_kind;
/* GET /contracts/{number} and POST /contracts/{number}/{approve|sign|archive} (404 for another
   action) are the kernel's doc_get/doc_act on this kind (http/doc.c). */
extern const struct doc_kind *const contract_doc_kind;

#endif
