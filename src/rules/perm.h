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
    /* credit (CMR: reviews, grades; flows.md §11) */
    P_CREDIT_REVIEW_CREATE,  /* credit review: create (api.md §5.3 adds SD and DD) */
    P_CREDIT_REVIEW_ADJUST,  /* credit review: adjust a line (review) */
    P_CREDIT_REVIEW_APPROVE, /* credit review: approve (and reject) */
    P_CREDIT_GRADE_OVERRIDE, /* credit grade: compute, override, publish */
    /* customers (flows.md §1, §11.4; area: customers) */
    P_CUSTOMER_SUBMIT,     /* customer: submit for review */
    P_CUSTOMER_QUALIFY,    /* customer: qualify (资格审核) */
    P_CREDIT_INCIDENT,     /* credit incident: record (api.md §5.3: finance, ssg_leader) */
    /* prices: price lists (JG, api.md §5.4). api.md wins over the matrix rows "price list:
       draft" (FIN, MKT) and "approve and publish" (SLT): marketing and ssg_leader draft,
       publish and retire (§5.9), the SLT approves; every role but warehouse (no prices) and
       the portal reads. */
    P_PRICE_LIST_DRAFT,    /* price list: create, import */
    P_PRICE_LIST_APPROVE,  /* price list: approve */
    P_PRICE_LIST_PUBLISH,  /* price list: publish, retire */
    P_PRICE_LIST_READ,     /* price list: read */
    /* corrections (issue #11): delivery discrepancies after POD (api.md §5.5 adds warehouse
       to the matrix row) */
    P_SHIPMENT_DISCREPANCY, /* shipment: report discrepancy */
    /* market support (flows.md §13–16, numbering-and-rules.md §3) */
    P_INVREPORT_SUBMIT,    /* distributor inventory report: submit */
    P_INVREPORT_REVIEW,    /* distributor inventory report: review, return */
    P_BUDGET_SET,          /* expense budget: set */
    P_BUDGET_APPROVE,      /* expense budget: approve (SLT may set one too) */
    P_EXPENSE_APPLY,       /* expense application: apply, execute, evaluate */
    P_EXPENSE_APPROVE,     /* expense application: approve (MM within limit; else SLT) */
    P_EXPENSE_SETTLE,      /* expense application: settle */
    P_POP_ALLOCATE,        /* POP allocation: set */
    P_POP_REQUEST,         /* POP request: create */
    P_POP_APPROVE,         /* POP request: approve (above allocation: SLT) */
    P_POP_SHIP,            /* POP request: ship (add to an order) */
    P_POP_RECEIVE,         /* POP request: confirm receipt */
    P_POP_VERIFY,          /* POP request: verify placement */
    P_SAMPLE_FOLLOW_UP,    /* sample follow-up (usage, waste) */
    /* field sales (numbering-and-rules.md §3; flows.md §7-10, §17-18) */
    P_CONTRACT_CLOSE,      /* contract: complete, terminate (flows §7: the MM) */
    P_QUOTATION_WORK,      /* quotation/bid: register, prepare, submit, issue, record result */
    P_QUOTATION_DECIDE,    /* quotation/bid: decide, approve (major: also SLT) */
    P_QUOTATION_SUPPORT,   /* quotation/bid: technical support task */
    P_VISIT_WORK,          /* visit plan, visit report, work log */
    P_VISIT_CONFIRM,       /* visit plan: confirm; report: comment (the owner's manager) */
    P_VISIT_VERIFY,        /* visit verification call */
    P_AFTERSALES_RECEIVE,  /* after-sales: receive */
    P_AFTERSALES_CONFIRM,  /* after-sales: confirm, reject */
    P_AFTERSALES_ASSIGN,   /* after-sales: assign, close */
    P_AFTERSALES_WORK,     /* after-sales: start, resolve, escalate */
    P_AFTERSALES_RESOLVE_ESC, /* after-sales: resolve escalated */
    P_FORECAST_DRAFT,      /* forecast: draft, submit */
    P_FORECAST_ASSESS,     /* forecast: assess, aggregate */
    P_FORECAST_APPROVE,    /* forecast: approve (MM for a market, SLT for the company) */
    P_PLAN,                /* plan: create own level; approve the level below */
    P_SUPPORT_CREATE,      /* support request: create */
    P_SUPPORT_FORWARD,     /* support request: forward (and schedule, done) */
    P_SUPPORT_REVIEW,      /* support request: review (and reject) */
    P_CUSTOMER_TIER,       /* customer: override the tier (flows.md §1 archive rule 4: the MM) */
    /* field sales, wave 2 (issue #13): the records beside the documents */
    P_CALL_LOG,            /* call log: record (collection, satisfaction, tracking calls) */
    P_MONTHLY_FOCUS,       /* monthly focus: publish */
    P_MEETING_RECORD,      /* meeting: record minutes, decisions, issues */
    /* collection routine (issue #11: flows.md §4.3-4.4, numbering-and-rules.md §3) */
    P_COLLREQ_CREATE,      /* collection request: create, submit */
    P_COLLREQ_CONFIRM,     /* collection request: confirm (BCR and finance) */
    P_COLLREQ_SEND,        /* collection request: send (BCR, the customer's KAM; flows §4.3) */
    P_COLLREQ_CLOSE,       /* collection request: close (BCR; flows §4.3) */
    P_BANK_CLAIM,          /* bank-pool line: claim for a customer */
    /* market support, wave 2b (issue #12): consumer records (entities.md §2.5, flows.md §14.7)
       and the CSR's check of travel claims against visit reports (flows.md §15) */
    P_CONSUMER_COLLECT,    /* consumer record: collect (the CSR, SSG) */
    P_CONSUMER_CALL,       /* consumer record: follow-up call (customer service) */
    P_TRAVEL_CHECK,        /* expense application (travel): check against visit reports */
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
/* May the role read market expense budgets (GET /expense-budgets)? */
bool perm_reads_budgets(enum role r);
bool perm_reads_quota(enum role r);

/* What the UI may offer a role beyond the documents (whose buttons come from each document's
   allowed_actions): "customer.create", "order.create", "payment.create", "product.create",
   "credit.read", "money.read", "quota.read", "users.read", "audit.read". Writes the names that
   apply to r into out (at most max); returns how many. GET /me answers them as `can`. */
size_t perm_caps(enum role r, const char **out, size_t max);

#endif
