/*
 * scope.c — the data scope of flow/scope.h.
 */
#include "flow/scope.h"

#include "flow/flow.h"

static void facts(const struct order_customer *cu, struct scope_customer *sc)
{
    *sc = (struct scope_customer){cu->market, cu->region,      cu->kam,
                                  cu->rep,    cu->kam_manager, cu->supervisor};
}

bool scope_sees(const struct ctx *c, const struct order_customer *cu)
{
    struct scope_user su;
    struct scope_customer sc;
    ctx_scope_user(c, &su);
    facts(cu, &sc);
    return scope_sees_customer(&su, &sc);
}

bool scope_owns(const struct ctx *c, const struct order_customer *cu)
{
    struct scope_user su;
    struct scope_customer sc;
    ctx_scope_user(c, &su);
    facts(cu, &sc);
    return scope_owns_customer(&su, &sc);
}

bool scope_role_reads_money(enum role r)
{
    return perm_reads_money(r);
}

int scope_money_sees(struct ctx *c, const char *customer, struct order_customer *out,
                     struct osb_err *e)
{
    struct order_customer own = {0};
    struct order_customer *cu = out ? out : &own;
    int rc = store_order_customer(c->db, e, customer, cu);
    if (rc <= 0)
        return rc;
    if (!scope_sees(c, cu))
        return 0;
    if (!scope_role_reads_money(c->user.role))
        return err_forbidden(e, "role", "the role %s does not see customers' accounts",
                             role_str(c->user.role));
    return 1;
}

void scope_money_sql(struct ctx *c, struct sb *sql, json_t *p, const char *cust)
{
    if (!scope_role_reads_money(c->user.role)) {
        sb_add(sql, " AND 0 = 1");
        return;
    }
    flow_scope_sql(c, sql, p, cust);
}
