/*
 * doc.c — the document kernel's gate and allowed_actions (flow/doc.h).
 */
#include "flow/doc.h"

#include "core/json.h"
#include "core/sb.h"
#include "core/str.h"
#include "flow/flow.h"
#include "flow/notify.h"
#include "flow/session.h"
#include "store/doc.h"
#include "store/masterdata.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int doc_actor_resolve(struct ctx *c, json_t *body, struct doc_actor *a, struct osb_err *e)
{
    memset(a, 0, sizeof *a);
    json_t *obo = json_is_object(body) ? json_object_get(body, "on_behalf_of") : NULL;
    json_t *ph = json_is_object(body) ? json_object_get(body, "confirmed_by_phone") : NULL;
    if (ph && !json_is_boolean(ph))
        return err_bad(e, "confirmed_by_phone", "confirmed_by_phone must be true or false");
    if (obo && !json_is_null(obo)) {
        if (!json_is_string(obo))
            return err_bad(e, "on_behalf_of", "on_behalf_of must be a username");
        const char *p = json_string_value(obo);
        if (!is(c->user.proxy_for, p))
            return err_forbidden(e, "proxy_not_authorized", "you are not the secretary of '%s'", p);
        if (!ph || !json_is_true(ph))
            return err_invalid(e, "confirmed_by_phone", "phone_confirmation_required",
                               "a proxy signature needs the principal's consent by phone "
                               "(confirmed_by_phone: true)");
        struct user pu;
        bool active = false;
        int rc = session_load_user(c->db, e, p, &pu, &active, NULL);
        if (rc < 0)
            return -1;
        if (rc == 0 || !active)
            return err_forbidden(e, "proxy_not_authorized", "no active principal '%s'", p);
        STR_COPY_ARRAY(a->who, pu.username);
        a->role = pu.role;
        STR_COPY_ARRAY(a->obo, pu.username);
        return 0;
    }
    STR_COPY_ARRAY(a->who, c->user.username);
    a->role = c->user.role;
    return 0;
}

/* flows.md §0.3, api.md §5.3: a proxy signs only while the principal travels (出差), i.e.
   has out_of_office set; checked with the body, after role and state. */
static int principal_away(struct ctx *c, const struct doc_actor *a, struct osb_err *e)
{
    if (!a->obo[0])
        return 0;
    bool away = false;
    if (store_user_away(c->db, e, a->obo, &away) < 0)
        return -1;
    if (!away)
        return err_invalid(e, "on_behalf_of", "principal_not_away",
                           "%s is not away (out_of_office): a proxy signs only while the "
                           "principal travels",
                           a->obo);
    return 0;
}

/* The role step: the matrix row for the acting role ('P' only by proxy, a proxy only where the
   table allows it), then the document's own rule. */
static int role_gate(struct ctx *c, const struct doc_kind *k, const void *doc, int a,
                     const struct doc_actor *actor, struct osb_err *e)
{
    const struct doc_action *d = &k->type->actions[a];
    char sym = doc_symbol(k->type, a, c->user.role);
    bool proxy = actor->obo[0] != 0;
    if (proxy && !(d->flags & DOC_PROXY))
        return err_forbidden(e, "proxy_not_authorized", "this action cannot be signed by proxy");
    if (!proxy && (sym == '-' || sym == 'R'))
        return err_forbidden(e, "role", "the role %s may not %s a %s", role_str(c->user.role),
                             d->name, k->type->object);
    if (!proxy && sym == 'P')
        return err_forbidden(e, "proxy_not_authorized",
                             "sign on behalf of your principal (on_behalf_of, "
                             "confirmed_by_phone)");
    if (proxy && !doc_role_may(k->type, a, actor->role))
        return err_forbidden(e, "role", "%s may not %s a %s", actor->who, d->name, k->type->object);
    return k->who ? k->who(c, doc, a, actor, e) : 0;
}

/* The body step: an object whose fields the action names, with a string comment. */
static int body_gate(const struct doc_kind *k, int a, json_t *body, struct osb_err *e)
{
    if (!json_is_object(body))
        return err_bad(e, NULL, "the body must be a JSON object");
    const char *key;
    json_t *v;
    json_object_foreach(body, key, v)
    {
        if (!doc_action_field(k->type, a, key))
            return err_bad(e, key, "unknown field '%s'", key);
    }
    json_t *cm = json_object_get(body, "comment");
    if (cm && !json_is_null(cm)) {
        if (!json_is_string(cm))
            return err_bad(e, "comment", "comment must be a string");
        /* 2,000 characters, not bytes: a Chinese comment takes three bytes a character. */
        size_t chars = 0;
        for (const unsigned char *p = (const unsigned char *)json_string_value(cm); *p; p++) {
            chars += (*p & 0xC0) != 0x80;
            if (*p < 0x20 && *p != '\n' && *p != '\r' && *p != '\t')
                return err_invalid(e, "comment", "invalid_text",
                                   "comment contains control characters");
        }
        if (chars > 2000)
            return err_invalid(e, "comment", "too_long", "comment is longer than 2000 characters");
    }
    return 0;
}

static int audit(struct doc_act *x, const char *number, int64_t version, struct osb_err *e)
{
    const struct doc_type *t = x->kind->type;
    json_t *before =
        json_pack("{ss sI}", "state", doc_state_str(t, x->from), "version", (json_int_t)version);
    json_t *after = json_pack("{ss sI}", "state", doc_state_str(t, x->to), "version",
                              (json_int_t)(version + 1));
    if (x->audit_after)
        json_object_update(after, x->audit_after);
    int rc = flow_audit_obo(x->c, e, x->actor.obo[0] ? x->actor.obo : NULL,
                            t->actions[x->action].name, t->object, number, before, after);
    json_decref(before);
    json_decref(after);
    return rc;
}

/* OSB_CHECK_ANSWER, read once per process (not on every action). */
bool doc_check_answers(void)
{
    static atomic_int v = -1;
    int now = atomic_load(&v);
    if (now < 0) {
        now = getenv("OSB_CHECK_ANSWER") != NULL;
        atomic_store(&v, now);
    }
    return now;
}

int doc_act(struct ctx *c, const struct doc_kind *k, const char *number, const char *action,
            json_t *body, json_t **out, struct osb_err *e)
{
    *out = NULL;
    int a = doc_action_parse(k->type, action);
    if (a < 0)
        return err_set(e, ERR_NOT_FOUND, "no %s action '%s'", k->type->object, action);
    void *doc = NULL;
    /* The document is locked before it is loaded (PostgreSQL READ COMMITTED): a concurrent
       action on it waits here and then loads what this one committed. */
    if (store_doc_lock(c->db, e, k->type->object, number) < 0)
        return -1;
    int f = k->load(c, k, number, &doc, e);
    if (f <= 0)
        return f < 0 ? -1 : err_set(e, ERR_NOT_FOUND, "no %s '%s'", k->type->object, number);
    struct doc_act x = {.c = c, .kind = k, .doc = doc, .action = a, .body = body};
    const struct doc_action *d = &k->type->actions[a];
    int rc = -1;
    x.from = k->state(doc);
    x.to = d->to == DOC_TO_SAME || d->to == DOC_TO_DECIDED ? x.from : d->to;
    int64_t version = k->version(doc);
    if (doc_actor_resolve(c, json_is_object(body) && (d->flags & DOC_PROXY) ? body : NULL, &x.actor,
                          e) < 0 ||
        role_gate(c, k, doc, a, &x.actor, e) < 0)
        goto out;
    if (!doc_action_from(k->type, a, x.from)) {
        const char *s = doc_state_str(k->type, x.from);
        err_state(e, s, "a %s in state %s cannot %s", k->type->object, s, d->name);
        goto out;
    }
    if (flow_check_version(c, e, version) < 0 || body_gate(k, a, body, e) < 0 ||
        principal_away(c, &x.actor, e) < 0)
        goto out;
    x.comment = jstr(body, "comment");
    x.audit_after = json_object();
    /* Notifications of the action are collected and written at once (notify_flush). */
    json_t *outer_notes = c->notes;
    if (!outer_notes)
        c->notes = json_array();
    int step = (k->check && k->check(&x, e) < 0) || (k->run[a] && k->run[a](&x, e) < 0) ||
                       (k->save && k->save(&x, e) < 0) || (k->event && k->event(&x, e) < 0) ||
                       (!outer_notes && notify_flush(c, e) < 0)
                   ? -1
                   : 0;
    if (!outer_notes) {
        json_decref(c->notes);
        c->notes = NULL;
    }
    if (step < 0)
        goto out;
    rc = audit(&x, number, version, e);
    if (rc == 0 && k->answer_saved) {
        /* The saved aggregate is what a GET would load: answer from it. */
        rc = k->json(c, doc, out, e);
        if (rc == 0)
            doc_answer_actions(c, k, doc, *out);
        /* OSB_CHECK_ANSWER=1 (the scenario suite sets it): load the document again and log
           any difference, which the suite's harness counts as a failure. */
        if (rc == 0 && doc_check_answers()) {
            json_t *again = NULL;
            struct osb_err e2 = OSB_ERR_INIT;
            if (doc_get(c, k, number, &again, &e2) == 0 && !json_equal(again, *out)) {
                char *sa = json_dumps(*out, JSON_SORT_KEYS | JSON_COMPACT);
                char *sb = json_dumps(again, JSON_SORT_KEYS | JSON_COMPACT);
                fprintf(stderr, "ANSWER MISMATCH %s %s\nSAVED %s\nLOADED %s\n", number, action, sa,
                        sb);
                free(sa), free(sb);
            }
            json_decref(again);
            err_clear(&e2);
        }
    } else if (rc == 0) {
        /* The answer is read back after the save, as every GET shows it. */
        k->free(doc);
        doc = NULL;
        rc = doc_get(c, k, number, out, e);
    }
out:
    json_decref(x.audit_after);
    if (doc)
        k->free(doc);
    return rc;
}

int doc_read(struct ctx *c, const struct doc_kind *k, const char *number, json_t **out,
             struct osb_err *e)
{
    *out = NULL;
    if (k->may_read && k->may_read(c, e) < 0)
        return -1;
    return doc_get(c, k, number, out, e);
}

int doc_get(struct ctx *c, const struct doc_kind *k, const char *number, json_t **out,
            struct osb_err *e)
{
    *out = NULL;
    void *doc = NULL;
    int f = k->load(c, k, number, &doc, e);
    if (f <= 0)
        return f < 0 ? -1 : err_set(e, ERR_NOT_FOUND, "no %s '%s'", k->type->object, number);
    int rc = k->json(c, doc, out, e);
    if (rc == 0)
        doc_answer_actions(c, k, doc, *out);
    k->free(doc);
    return rc;
}

void doc_check_listed(struct ctx *c, const char *number, json_t *listed, json_t *own,
                      const char *const *drop)
{
    for (; own && drop && *drop; drop++)
        json_object_del(own, *drop);
    if (!own || !json_equal(listed, own)) {
        char *sa = json_dumps(listed, JSON_SORT_KEYS | JSON_COMPACT);
        char *sb = own ? json_dumps(own, JSON_SORT_KEYS | JSON_COMPACT) : NULL;
        fprintf(stderr, "ANSWER MISMATCH %s list (%s)\nLISTED %s\nLOADED %s\n", number,
                role_str(c->user.role), sa ? sa : "", sb ? sb : "(none)");
        free(sa), free(sb);
    }
    json_decref(own);
}

int doc_items(struct ctx *c, const struct doc_kind *k, json_t *numbers, const char *next,
              json_t **out, struct osb_err *e)
{
    *out = NULL;
    json_t *items = json_array();
    size_t i;
    json_t *it;
    json_array_foreach(numbers, i, it)
    {
        json_t *doc;
        if (doc_get(c, k, json_string_value(it), &doc, e) < 0) {
            json_decref(items);
            return -1;
        }
        json_array_append_new(items, doc);
    }
    *out =
        json_pack("{so so}", "items", items, "next_cursor", next ? json_string(next) : json_null());
    return 0;
}

/* The actions allowed now; proxy (when not NULL) gets those a secretary may take only on
   behalf of the member they sign for. */
static json_t *allowed(struct ctx *c, const struct doc_kind *k, const void *doc, json_t *proxy)
{
    const struct doc_type *t = k->type;
    bool ok[DOC_MAX_ACTIONS] = {false}, via[DOC_MAX_ACTIONS] = {false};
    int state = k->state(doc);
    struct doc_actor self = {.role = c->user.role}, principal = {.role = ROLE_NONE};
    STR_COPY_ARRAY(self.who, c->user.username);
    for (size_t a = 0; a < t->nactions && a < DOC_MAX_ACTIONS; a++) {
        const struct doc_action *d = &t->actions[a];
        if (!doc_action_from(t, (int)a, state))
            continue;
        const struct doc_actor *actor = &self;
        char sym = doc_symbol(t, (int)a, c->user.role);
        if (sym == 'P' && (d->flags & DOC_PROXY) && c->user.proxy_for[0]) {
            /* A secretary sees what the member they sign for may do (with on_behalf_of). */
            if (principal.role == ROLE_NONE) {
                struct user pu;
                bool active = false;
                struct osb_err ignore = OSB_ERR_INIT;
                bool away = false;
                if (session_load_user(c->db, &ignore, c->user.proxy_for, &pu, &active, NULL) == 1 &&
                    active && store_user_away(c->db, &ignore, pu.username, &away) == 0 && away) {
                    STR_COPY_ARRAY(principal.who, pu.username);
                    STR_COPY_ARRAY(principal.obo, pu.username);
                    principal.role = pu.role;
                }
                err_clear(&ignore);
            }
            if (principal.role == ROLE_NONE || !doc_role_may(t, (int)a, principal.role))
                continue;
            actor = &principal;
            via[a] = true;
        } else if (sym == '-' || sym == 'R' || sym == 'P') {
            continue;
        }
        struct osb_err no = OSB_ERR_INIT;
        ok[a] = !k->who || k->who(c, doc, (int)a, actor, &no) == 0;
        err_clear(&no);
    }
    int idx[DOC_MAX_ACTIONS];
    size_t n = doc_sorted(t, ok, idx);
    json_t *names = json_array();
    for (size_t i = 0; i < n; i++) {
        json_array_append_new(names, json_string(t->actions[idx[i]].name));
        if (proxy && via[idx[i]])
            json_array_append_new(proxy, json_string(t->actions[idx[i]].name));
    }
    return names;
}

json_t *doc_allowed_actions(struct ctx *c, const struct doc_kind *k, const void *doc)
{
    return allowed(c, k, doc, NULL);
}

void doc_answer_actions(struct ctx *c, const struct doc_kind *k, const void *doc, json_t *obj)
{
    if (!json_is_object(obj))
        return;
    json_t *proxy = json_array();
    json_object_set_new(obj, "allowed_actions", allowed(c, k, doc, proxy));
    /* Guidance field: the actions a secretary takes with on_behalf_of (the UI asks for the
       phone confirmation on those); absent for everyone else. */
    if (json_array_size(proxy))
        json_object_set_new(obj, "proxy_actions", proxy);
    else
        json_decref(proxy);
    /* Guidance field: the roles the document waits on now (the actions of its state that are
       not DOC_ASIDE), so a page can say whom it waits for (api.md §5.1). */
    enum role roles[ROLE__COUNT];
    size_t n = doc_waiting_roles(k->type, k->state(doc), roles);
    json_t *wf = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(wf, json_string(role_str(roles[i])));
    json_object_set_new(obj, "waiting_for", wf);
    if (k->narrow)
        k->narrow(obj);
}

int doc_state_filter(const struct doc_type *t, const char *value, struct osb_err *e)
{
    if (!value)
        return 0;
    const char *p = value;
    for (;;) {
        const char *comma = strchr(p, ',');
        size_t n = comma ? (size_t)(comma - p) : strlen(p);
        bool found = false;
        for (int i = 0; t->states[i] && !found; i++)
            found = strlen(t->states[i]) == n && strncmp(t->states[i], p, n) == 0;
        if (!found) {
            struct sb all = SB_INIT;
            for (int i = 0; t->states[i]; i++)
                sb_addf(&all, "%s%s", i ? ", " : "", t->states[i]);
            err_bad(e, "state", "unknown state '%.*s' (one of: %s)", (int)n, p, sb_str(&all));
            sb_free(&all);
            return -1;
        }
        if (!comma)
            return 0;
        p = comma + 1;
    }
}
