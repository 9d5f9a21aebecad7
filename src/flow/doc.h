/*
 * doc.h (flow) — the document kernel: one gate for every action of every document, and the
 * `allowed_actions` of every document answer, both from the document's table (rules/doc.h).
 *
 * A document type plugs in with a struct doc_kind: its table, how to load its typed aggregate
 * (the store file holds the SQL), who beyond the matrix may act, one function per action, and
 * how to save, record the timeline and answer. doc_act() then runs, in this order and inside
 * the caller's transaction:
 *
 *   action name unknown → 404;  load (not there or outside the caller's scope) → 404;
 *   role: the matrix row, then kind->who → 403;  state: the action's from-set → 409
 *   invalid_state;  If-Match → 409 version_conflict;  body: an object of the action's fields
 *   (plus "comment") → 400, then kind->check → 400/422;  the action's function;  save (state,
 *   version + 1, changed columns);  timeline;  audit {state, version} before/after (+ what the
 *   function adds);  the answer with allowed_actions.
 *
 * Every later failure leaves the transaction to the caller to roll back, so nothing half-done
 * is kept (api.md §1).
 */
#ifndef OSB_FLOW_DOC_H
#define OSB_FLOW_DOC_H

#include "flow/ctx.h"
#include "rules/doc.h"

#include <jansson.h>

/* Who acts: the user, or with on_behalf_of the SLT member whose secretary the user is. */
struct doc_actor {
    char who[40];   /* the principal whose authority is used */
    enum role role; /* the principal's role */
    char obo[40];   /* on_behalf_of when a proxy signs, else "" */
};

struct doc_kind;

/* What an action function receives. The function changes the aggregate (the kernel saves it),
   may set `to` when the table says DOC_TO_DECIDED, and may put fields into audit_after. */
struct doc_act {
    struct ctx *c;
    const struct doc_kind *kind;
    void *doc;           /* the aggregate kind->load made */
    int action;          /* index into kind->type->actions */
    int from, to;        /* states; to starts as the table's (from when DOC_TO_SAME) */
    json_t *body;        /* the request body, shape already checked */
    const char *comment; /* body "comment" or NULL */
    struct doc_actor actor;
    json_t *audit_after; /* extra fields for the audit row's "after" (owned by the kernel) */
};

typedef int (*doc_run_fn)(struct doc_act *x, struct osb_err *e);

struct doc_kind {
    const struct doc_type *type;
    /* Loads the document into a new aggregate: 1 when it exists and the caller may see it,
       0 when not (the gate answers 404), -1 on error. k is this kind, so one loader can
       serve several kinds that share a store (field documents, market documents). */
    int (*load)(struct ctx *c, const struct doc_kind *k, const char *number, void **doc,
                struct osb_err *e);
    void (*free)(void *doc);
    int (*state)(const void *doc);
    int64_t (*version)(const void *doc);
    /* May this actor take action a on this document, beyond the matrix row (own customer,
       the market's MM, the supervising SLT member, not one's own request ...)? 0 yes; -1 with
       a 403 in e. NULL: the matrix decides alone. Used by the gate and by allowed_actions,
       so it must not write. */
    int (*who)(struct ctx *c, const void *doc, int a, const struct doc_actor *actor,
               struct osb_err *e);
    /* The value checks of the body of action a (400 wrong type, 422 rule), before any write;
       NULL when the function checks its own. */
    int (*check)(struct doc_act *x, struct osb_err *e);
    const doc_run_fn *run; /* one per action of the table, in its order; NULL = nothing */
    /* Writes the aggregate once: x->to as the state, version + 1, what the action changed. */
    int (*save)(struct doc_act *x, struct osb_err *e);
    /* The timeline row of the action (NULL: the document keeps none). */
    int (*event)(struct doc_act *x, struct osb_err *e);
    /* The answer for the aggregate (without allowed_actions: the kernel adds it). */
    int (*json)(struct ctx *c, void *doc, json_t **out, struct osb_err *e);
    /* True when save leaves the aggregate exactly as the database now holds it (state,
       version, updated_at, every changed column and line): the action's answer is then built
       from it instead of loading the document again. */
    bool answer_saved;
    /* GET /<collection>/{number} only (h_doc_get): may this user read documents of the kind
       at all (403 before the load)? NULL: the load's scope decides alone. */
    int (*may_read)(struct ctx *c, struct osb_err *e);
    /* Called last on every answer with allowed_actions (doc_answer_actions): a document whose
       lines carry their own allowed_actions narrows the document's lists to them. */
    void (*narrow)(json_t *answer);
};

/* POST /<collection>/{number}/{action}: the gate above; *out the updated document. */
int doc_act(struct ctx *c, const struct doc_kind *k, const char *number, const char *action,
            json_t *body, json_t **out, struct osb_err *e);

/* GET /<collection>/{number} as the route serves it: k->may_read, then doc_get. */
int doc_read(struct ctx *c, const struct doc_kind *k, const char *number, json_t **out,
             struct osb_err *e);

/* GET /<collection>/{number}: 404 unless visible; *out the document with allowed_actions. */
int doc_get(struct ctx *c, const struct doc_kind *k, const char *number, json_t **out,
            struct osb_err *e);

/* {items: [doc_get of each number], next_cursor: next}: a page of a document list. */
int doc_items(struct ctx *c, const struct doc_kind *k, json_t *numbers, const char *next,
              json_t **out, struct osb_err *e);

/* The sorted names of the actions this user may take on doc now (role, scope, state), as a
   new array. A secretary's list holds the proxy actions of the member they sign for. */
json_t *doc_allowed_actions(struct ctx *c, const struct doc_kind *k, const void *doc);

/* Sets obj.allowed_actions, and obj.proxy_actions when some of them a secretary may take only
   on behalf of the member they sign for (on_behalf_of = the user's proxy_for), and
   obj.waiting_for: the role codes the document waits on in its state. doc_get calls
   it; answers built elsewhere (e.g. after create) call it too. */
void doc_answer_actions(struct ctx *c, const struct doc_kind *k, const void *doc, json_t *obj);

/* Resolves the actor of a request: the user, or with on_behalf_of the SLT member the user is
   the secretary of (403 proxy_not_authorized; 422 phone_confirmation_required without
   confirmed_by_phone: true; 400 wrong types). Whether the principal is away (422
   principal_not_away) doc_act checks with the body, after role and state. */
int doc_actor_resolve(struct ctx *c, json_t *body, struct doc_actor *a, struct osb_err *e);

/* The list filter of several states (api.md §5.1 "state=a,b"): 0 when value is NULL or every
   comma-separated name is a state of t, else 400 bad_request naming the allowed values. */
int doc_state_filter(const struct doc_type *t, const char *value, struct osb_err *e);

/* OSB_CHECK_ANSWER=1 in the server's environment (the scenario tests set it)? */
bool doc_check_answers(void);
/* With OSB_CHECK_ANSWER: a list page's item (read with the page) against the document's own
   answer own (taken; NULL: it could not be read) less the keys drop (NULL-ended) the list
   leaves out; a difference prints "ANSWER MISMATCH", which fails the scenario suite. */
void doc_check_listed(struct ctx *c, const char *number, json_t *listed, json_t *own,
                      const char *const *drop);

#endif
