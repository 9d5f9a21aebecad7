/*
 * fdoc.h (flow) — what the field-sales documents (quotations, after-sales tickets, visit plans,
 * visit reports, forecasts, plans; api.md §5.7) share on the kernel (flow/doc.h): their
 * aggregate (store/fdoc.h plus the facts of the customer), load with the data scope, save,
 * the timeline, the common part of the answer, lists with q= and state=a,b, and create. Each
 * document's file adds its table, who() and action functions.
 */
#ifndef OSB_FLOW_FDOC_H
#define OSB_FLOW_FDOC_H

#include "flow/doc.h"
#include "store/fdoc.h"
#include "store/order.h"

/* The aggregate the kernel holds. */
struct fdoc_doc {
    const struct doc_type *t;
    struct fdoc d;
    struct order_customer cu; /* when d.customer is set */
    bool has_cu;
    char supervisor[40]; /* the supervising SLT member of d.market ("" when none) */
};

/* doc_kind pieces: load reads the document of type k->type->collection visible to the caller (its
   customer's scope, for a document of no customer the scope of its own columns, or its
   owner). */
int fdoc_load(struct ctx *c, const struct doc_kind *k, const char *number, void **out,
              struct osb_err *e);
void fdoc_free(void *p);
int fdoc_state(const void *p);
int64_t fdoc_version(const void *p);
int fdoc_save(struct doc_act *x, struct osb_err *e);
int fdoc_event(struct doc_act *x, struct osb_err *e);
/* The common answer: data's fields, then number, customer, market, region, owner, state, ref,
   version, created_at, updated_at, timeline. */
json_t *fdoc_answer(struct ctx *c, const struct fdoc_doc *d, struct osb_err *e);

/* Facts for who(). */
bool fdoc_is_mm(const struct ctx *c, const struct doc_actor *a, const struct fdoc_doc *d);
bool fdoc_is_supervisor(const struct doc_actor *a, const struct fdoc_doc *d);
/* The owner, or the customer's KAM or rep (an 'O' role acting on its own). */
bool fdoc_owns(struct ctx *c, const struct doc_actor *a, const struct fdoc_doc *d);
/* The owner's manager in the reporting line (rep → KAM → UM → MM): 1 yes, 0 no, -1 error. */
int fdoc_is_manager_of_owner(struct ctx *c, const struct doc_actor *a, const struct fdoc_doc *d,
                             struct osb_err *e);

/* A new document of type t: the customer's columns when customer is given (404-like 422
   unknown_reference when the caller does not see it; 403 when an 'O' role does not own it
   under row perm), else the owner's (the caller's) market, region, KAM and rep. */
int fdoc_new(struct ctx *c, const struct doc_type *t, enum perm_action perm, const char *customer,
             struct fdoc_doc *d, struct osb_err *e);
/* Numbers (docno_type, or "" for a document numbered by its type's own scheme: see
   number), inserts, records the create event and audit row, and answers the document by
   get. number may be given (d->d.number already set). */
int fdoc_create(struct ctx *c, const struct doc_kind *k, struct fdoc_doc *d, const char *docno_type,
                json_t **out, struct osb_err *e);

struct fdoc_query {
    const char *customer, *state, *owner, *q, *cursor;
    int limit;
};
int fdoc_list(struct ctx *c, const struct doc_kind *k, const struct fdoc_query *q, json_t **out,
              struct osb_err *e);

/* Notifies every active user of role (in market when not NULL) about document number. */
int fdoc_tell_role(struct ctx *c, const char *role, const char *market, const char *number,
                   const char *text, struct osb_err *e);

/* Small body readers for action functions and creates: 0 ok (absent leaves *out), -1 with
   400 on a wrong type, 422 required when req and absent. */
int fdoc_body_str(json_t *body, const char *field, bool req, size_t max, const char **out,
                  struct osb_err *e);
int fdoc_body_int(json_t *body, const char *field, bool req, int64_t min, int64_t max, int64_t *out,
                  bool *given, struct osb_err *e);
int fdoc_body_date(json_t *body, const char *field, bool req, const char **out, struct osb_err *e);

#endif
