/*
 * doc.h — the document kernel's pure half: what a document type is, as data.
 *
 * A document type is a list of states and one action table {name, permission row of the
 * matrix, from-states, to-state, body fields}, the OSB form of ERPNext's Workflow and of
 * rules/order.c's first table. flow/doc.c runs every action of every document through one gate
 * built on these tables, and answers `allowed_actions` (api.md §5.1) from the same rows, so the
 * web UI never copies a rule. Nothing here reads the database, the clock or a request.
 *
 * Adding a document type: its rules file defines `const struct doc_type <name>_doc`, and
 * doc_types[] in rules/doc_types.c lists it so the table tests (tests/unit/test_doc.c) see it.
 */
#ifndef OSB_RULES_DOC_H
#define OSB_RULES_DOC_H

#include "rules/perm.h"

#include <stdbool.h>
#include <stddef.h>

#define DOC_BIT(s) (1u << (s))
#define DOC_MAX_STATES 32
#define DOC_MAX_ACTIONS 32

enum {
    DOC_TO_SAME = -1,    /* the action leaves the state as it is (a vote, a note) */
    DOC_TO_DECIDED = -2, /* the action's function picks the next state (approve: done or not) */
};

/* Action flags. */
enum {
    DOC_PROXY = 1u << 0, /* may be signed on behalf of an SLT member by their secretary
                            (on_behalf_of + confirmed_by_phone, numbering-and-rules §3 'P') */
    DOC_ASIDE = 1u << 1, /* the document does not wait for this action: it may be taken (cancel,
                            a reject by someone other than the approver, a recheck, a tracking
                            note), but it does not put the document into anyone's work queue
                            (GET /me/queue) nor name who it waits for */
};

/* Action flag: a second matrix row that also lets a role act, for an action the flows give to
   the roles of two rows (a return's cancel: its creator or the UM; a refund's reject: the
   approver or finance); kind->who then says which applies when. A flag, not a field, so that
   every table's positional initializers stay as they are. */
#define DOC_ALSO(row) (((unsigned)(row) + 1u) << 8)
/* The row DOC_ALSO put into flags, or -1. */
#define DOC_ALSO_ROW(flags) ((int)((flags) >> 8) - 1)

struct doc_action {
    const char *name;          /* the path segment: "approve", "confirm-receipt" */
    enum perm_action perm;     /* the matrix row that says which roles may act */
    unsigned from;             /* DOC_BIT set of the states the action starts from */
    int to;                    /* the state after it, DOC_TO_SAME or DOC_TO_DECIDED */
    const char *const *fields; /* body fields besides "comment" (NULL-terminated), or NULL */
    unsigned flags;            /* DOC_PROXY */
};

struct doc_type {
    const char *collection;    /* "contracts": the path, and the queue's `type` */
    const char *object;        /* "contract": the audit row's object type */
    const char *const *states; /* state names by index, NULL-terminated */
    const struct doc_action *actions;
    size_t nactions;
};

/* The pinned name of state s, or "" when s is not a state of t. */
const char *doc_state_str(const struct doc_type *t, int s);
/* The index of the state named s, or -1. */
int doc_state_parse(const struct doc_type *t, const char *s);
/* The index of the action named name, or -1. */
int doc_action_parse(const struct doc_type *t, const char *name);
/* May action a start from state s? */
bool doc_action_from(const struct doc_type *t, int a, int s);
/* Does the matrix row of action a (or its DOC_ALSO row) let role r act at all (any symbol
   but '-' and 'R')? */
bool doc_role_may(const struct doc_type *t, int a, enum role r);
/* The matrix symbol of role r for action a: that of its row when it lets r act, else that of
   its DOC_ALSO row when that does, else that of its row. */
char doc_symbol(const struct doc_type *t, int a, enum role r);
/* Is field a body field of action a ("comment" always is)? */
bool doc_action_field(const struct doc_type *t, int a, const char *field);
/* The DOC_BIT set of the states in which a document of t waits on role r: some action that is
   not DOC_ASIDE starts there and r may take it by the matrix, or (principal not ROLE_NONE) it
   is a DOC_PROXY action r signs for principal. A superset of where the queue finds work: the
   document's own rules (kind->who) decide the rest. */
unsigned doc_waiting_states(const struct doc_type *t, enum role r, enum role principal);
/* Writes into out (room for ROLE__COUNT) the roles a document of t in state s waits on: those
   the matrix lets take some action from s that is not DOC_ASIDE (a 'P' secretary is not
   listed: they sign for a listed member). Returns how many. */
size_t doc_waiting_roles(const struct doc_type *t, int s, enum role *out);

/* Writes into out the indexes of the actions ok[] marks, sorted by name; returns how many. */
size_t doc_sorted(const struct doc_type *t, const bool *ok, int *out);

/* Every document type of this build, NULL-terminated (rules/doc_types.c; for the table tests
   and the queue). */
extern const struct doc_type *const doc_types[];

#endif
