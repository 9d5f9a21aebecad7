/*
 * perm.h — roles, departments, the permissions matrix and data scope
 * (numbering-and-rules.md §3–§4). Pure: the caller supplies the facts about the user and the
 * object; nothing here reads the database.
 *
 * The matrix is transcribed row by row from the spec, one string per action with one symbol
 * per role column (GM SD DD SL CSR MM UM KAM REP FIN WH CS MKT AUD ADM CUS). perm_symbol()
 * answers the symbol; perm_decide() turns a symbol plus the facts into allow/deny.
 */
#ifndef OSB_PERM_H
#define OSB_PERM_H

#include <stdbool.h>
#include <stddef.h>

enum role {
    ROLE_NONE = -1,
    ROLE_GM,
    ROLE_SALES_DIRECTOR,
    ROLE_DEPUTY_DIRECTOR,
    ROLE_SSG_LEADER,
    ROLE_CSR,
    ROLE_MM,
    ROLE_UM,
    ROLE_KAM,
    ROLE_REP,
    ROLE_FINANCE,
    ROLE_WAREHOUSE,
    ROLE_CUSTOMER_SERVICE,
    ROLE_MARKETING,
    ROLE_AUDITOR,
    ROLE_ADMIN,
    ROLE_CUSTOMER,
    ROLE__COUNT
};

enum role role_parse(const char *s);
const char *role_str(enum role r);
/* entities.md §1.3: slt, ssg, sales, finance, warehouse, customer_service, marketing, audit,
   admin, customer. */
const char *role_department(enum role r);
bool role_is_slt(enum role r);

/* clang-format off */
enum perm_action {
    P_ORG_ADMIN,          /* users, markets, regions, warehouses, calendar, settings */
    P_PRODUCT_EDIT,       /* products: create, edit */
    P_CUSTOMER_CREATE,    /* customer: create (prospect; the pinned POST /customers) */
    P_CUSTOMER_EDIT,      /* customer: edit archive */
    P_CUSTOMER_APPROVE,   /* customer: approve, suspend, reactivate, lift credit hold */
    P_CUSTOMER_CLOSE,
    P_QUOTA_SET,
    P_QUOTA_TRANSFER,
    P_QUOTA_OVER_APPROVE,
    P_ORDER_CREATE,
    P_ORDER_VERIFY,
    P_ORDER_APPROVE_MARKET,
    P_ORDER_ACCEPT,       /* accept, check, recheck, request-st, release */
    P_ORDER_LOOSE_UNITS,
    P_ORDER_APPROVE,      /* approve, return-for-fix, reject */
    P_ORDER_ST_VOTE,
    P_ORDER_PRINT,
    P_ORDER_CANCEL,
    P_SHIPMENT_WORK,      /* receive, pick, check, book, dispatch, short-close */
    P_SHIPMENT_TRACK,
    P_SHIPMENT_DELIVER,
    P_BACKORDER_SCHEDULE,
    P_BACKORDER_CANCEL,
    P_STOCK_RECEIPT,
    P_PAYMENT,
    P_RETURN_CREATE,
    P_RETURN_CONFIRM,
    P_RETURN_INSPECT,
    P_RETURN_APPROVE,
    P_RETURN_RECEIVE,
    P_OSB_EXPLAIN,
    P_OSB_RESOLVE,        /* resolve; record meeting entries */
    P_OSB_REOPEN,
    P_OSB_MANUAL,         /* manual entry */
    P_REPORTS,
    P_EXPORT_CUSTOMERS,
    P_AUDIT_READ,
    P_ADMIN_OPS,          /* test clock; jobs/run */
    P_INSTRUMENT_REGISTER, /* instrument in hand: register (and hand over) */
    P_INSTRUMENT_SIGN,     /* instrument in hand: sign for it (签收) */
    P_STATEMENT_SEND,      /* statement: generate, send */
    P_STATEMENT_REPLY,     /* statement: record customer reply (confirm / dispute) */
    P_CONTRACT_DRAFT,
    P_CONTRACT_APPROVE,    /* major or deviating: also the supervising SLT member */
    P_CONTRACT_SIGN,
    P_CONTRACT_ARCHIVE,
    P_INVREQ_CREATE,       /* invoice request (KP): create */
    P_INVREQ_HANDLE,       /* invoice request: review, mail, confirm receipt, archive */
    P_INVREQ_ISSUE,        /* invoice request: issue fapiao */
    P_REFUND_REQUEST,      /* prepayment refund (TK): request */
    P_REFUND_APPROVE,      /* prepayment refund: approve (the supervising SLT member) */
    P_REFUND_PAY,          /* prepayment refund: pay */
    P_WRITEOFF_REQUEST,    /* bad-debt write-off (HX): request */
    P_WRITEOFF_APPROVE,    /* bad-debt write-off: approve */
    /* customers (flows.md §1, §11.4; area: customers) */
    P_CUSTOMER_SUBMIT,     /* customer: submit for review */
    P_CUSTOMER_QUALIFY,    /* customer: qualify (资格审核) */
    P_CREDIT_INCIDENT,     /* credit incident: record (api.md §5.3: finance, ssg_leader) */
    P_CUSTOMER_TIER,       /* customer: override the tier (flows.md §1 archive rule 4: the MM) */
    P__COUNT
};
/* clang-format on */

/* The matrix symbol for role r and action a: 'Y','S','P','O','G','M','B','H','E','R','-'. */
char perm_symbol(enum perm_action a, enum role r);
/* True when the role may perform (not only read) the action in some case. */
bool perm_may_act(enum perm_action a, enum role r);
/* True when the role may read what the action concerns ('R' or any acting symbol). */
bool perm_may_read(enum perm_action a, enum role r);

/* Facts about one customer, for scope decisions. */
struct scope_customer {
    const char *market;
    const char *region;
    const char *kam;
    const char *rep;
    const char *kam_manager; /* the KAM's manager, for nothing yet but kept for reports */
    const char *supervisor;  /* market.slt_supervisor */
};

/* Facts about the acting user. */
struct scope_user {
    enum role role;
    const char *username;
    const char *market;
    const char *region;
    const char *manager;   /* for a rep: the KAM it reports to */
    const char *proxy_for; /* secretary of this SLT member */
};

/* Data scope of §4: may this user see this customer (and its documents)? */
bool scope_sees_customer(const struct scope_user *u, const struct scope_customer *c);
/* 'O' (own) for customers: KAM of it, or its rep (or, without a rep, a rep of its KAM). */
bool scope_owns_customer(const struct scope_user *u, const struct scope_customer *c);
/* Roles that may see a customer's credit figures (limit, exposure, overdue). */
bool scope_sees_credit(enum role r);
/* Roles that read customers' money at all (numbering-and-rules.md §4): all but the warehouse
   (no prices), customer service (no ledger), marketing (AR only in aggregate) and admin
   (master data only). */
bool perm_reads_money(enum role r);
/* Roles that read quotas: all but the warehouse and customer service. */
bool perm_reads_quota(enum role r);

/* What the UI may offer a role beyond the documents (whose buttons come from each document's
   allowed_actions): "customer.create", "order.create", "payment.create", "product.create",
   "credit.read", "money.read", "quota.read", "users.read", "audit.read". Writes the names that
   apply to r into out (at most max); returns how many. GET /me answers them as `can`. */
size_t perm_caps(enum role r, const char **out, size_t max);

#endif
