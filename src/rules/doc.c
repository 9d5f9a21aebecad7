/*
 * doc.c — lookups over the document tables of rules/doc.h, and the list of every type.
 */
#include "rules/doc.h"

#include <string.h>

const char *doc_state_str(const struct doc_type *t, int s)
{
    if (s < 0)
        return "";
    for (int i = 0; t->states[i]; i++)
        if (i == s)
            return t->states[i];
    return "";
}

int doc_state_parse(const struct doc_type *t, const char *s)
{
    for (int i = 0; s && t->states[i]; i++)
        if (strcmp(t->states[i], s) == 0)
            return i;
    return -1;
}

int doc_action_parse(const struct doc_type *t, const char *name)
{
    for (size_t i = 0; name && i < t->nactions; i++)
        if (strcmp(t->actions[i].name, name) == 0)
            return (int)i;
    return -1;
}

bool doc_action_from(const struct doc_type *t, int a, int s)
{
    return a >= 0 && (size_t)a < t->nactions && s >= 0 && s < DOC_MAX_STATES &&
           (t->actions[a].from & DOC_BIT(s)) != 0;
}

char doc_symbol(const struct doc_type *t, int a, enum role r)
{
    if (a < 0 || (size_t)a >= t->nactions)
        return '-';
    const struct doc_action *d = &t->actions[a];
    int also = DOC_ALSO_ROW(d->flags);
    if (!perm_may_act(d->perm, r) && also >= 0 && perm_may_act((enum perm_action)also, r))
        return perm_symbol((enum perm_action)also, r);
    return perm_symbol(d->perm, r);
}

bool doc_role_may(const struct doc_type *t, int a, enum role r)
{
    char s = doc_symbol(t, a, r);
    return s != '-' && s != 'R';
}

bool doc_action_field(const struct doc_type *t, int a, const char *field)
{
    if (strcmp(field, "comment") == 0)
        return true;
    if (a < 0 || (size_t)a >= t->nactions)
        return false;
    const struct doc_action *d = &t->actions[a];
    if ((d->flags & DOC_PROXY) &&
        (strcmp(field, "on_behalf_of") == 0 || strcmp(field, "confirmed_by_phone") == 0))
        return true;
    for (const char *const *f = d->fields; f && *f; f++)
        if (strcmp(*f, field) == 0)
            return true;
    return false;
}

size_t doc_sorted(const struct doc_type *t, const bool *ok, int *out)
{
    size_t n = 0;
    for (size_t i = 0; i < t->nactions && i < DOC_MAX_ACTIONS; i++) {
        if (!ok[i])
            continue;
        /* insertion sort: a table has a handful of actions */
        size_t j = n++;
        while (j > 0 && strcmp(t->actions[out[j - 1]].name, t->actions[i].name) > 0) {
            out[j] = out[j - 1];
            j--;
        }
        out[j] = (int)i;
    }
    return n;
}

unsigned doc_waiting_states(const struct doc_type *t, enum role r, enum role principal)
{
    unsigned states = 0;
    for (size_t a = 0; a < t->nactions; a++) {
        const struct doc_action *d = &t->actions[a];
        if (d->flags & DOC_ASIDE)
            continue;
        char sym = doc_symbol(t, (int)a, r);
        bool may = sym != '-' && sym != 'R' && sym != 'P';
        if (!may && sym == 'P' && (d->flags & DOC_PROXY) && principal != ROLE_NONE)
            may = doc_role_may(t, (int)a, principal);
        if (may)
            states |= d->from;
    }
    return states;
}

size_t doc_waiting_roles(const struct doc_type *t, int s, enum role *out)
{
    size_t n = 0;
    for (int r = 0; r < ROLE__COUNT; r++) {
        bool waits = false;
        for (size_t a = 0; a < t->nactions && !waits; a++) {
            const struct doc_action *d = &t->actions[a];
            char sym = doc_symbol(t, (int)a, (enum role)r);
            waits = !(d->flags & DOC_ASIDE) && doc_action_from(t, (int)a, s) && sym != '-' &&
                    sym != 'R' && sym != 'P';
        }
        if (waits)
            out[n++] = (enum role)r;
    }
    return n;
}
