/*
 * collection.c — the collection request's and the bank pool line's tables and the bank
 * export's pure helpers (rules/collection.h).
 */
#include "rules/collection.h"

#include "core/str.h"

#include <ctype.h>
#include <string.h>

static const char *const collreq_states[] = {"draft", "submitted", "confirmed", "sent",
                                             "paid",  "closed",    NULL};

static const struct doc_action collreq_actions[] = {
    [COLRA_SUBMIT] = {"submit", P_COLLREQ_CREATE, DOC_BIT(COLR_DRAFT), COLR_SUBMITTED, NULL, 0},
    [COLRA_CONFIRM] = {"confirm", P_COLLREQ_CONFIRM, DOC_BIT(COLR_SUBMITTED), DOC_TO_DECIDED, NULL,
                       0},
    [COLRA_SEND] = {"send", P_COLLREQ_SEND, DOC_BIT(COLR_CONFIRMED), COLR_SENT, NULL, 0},
    [COLRA_CLOSE] = {"close", P_COLLREQ_CLOSE,
                     DOC_BIT(COLR_DRAFT) | DOC_BIT(COLR_SUBMITTED) | DOC_BIT(COLR_CONFIRMED) |
                         DOC_BIT(COLR_SENT),
                     COLR_CLOSED, NULL, DOC_ASIDE},
};

const struct doc_type collreq_doc = {"collection-requests", "collection_request", collreq_states,
                                     collreq_actions,
                                     sizeof collreq_actions / sizeof collreq_actions[0]};

static const char *const bank_states[] = {"unmatched", "claimed", "registered", "ignored", NULL};
static const char *const claim_fields[] = {"customer", NULL};
static const char *const register_fields[] = {"apply_to", NULL};

static const struct doc_action bank_actions[] = {
    [BANKLA_CLAIM] = {"claim", P_BANK_CLAIM, DOC_BIT(BANKL_UNMATCHED) | DOC_BIT(BANKL_CLAIMED),
                      BANKL_CLAIMED, claim_fields, 0},
    [BANKLA_REGISTER] = {"register", P_PAYMENT, DOC_BIT(BANKL_CLAIMED), BANKL_REGISTERED,
                         register_fields, 0},
    [BANKLA_IGNORE] = {"ignore", P_PAYMENT, DOC_BIT(BANKL_UNMATCHED) | DOC_BIT(BANKL_CLAIMED),
                       BANKL_IGNORED, NULL, DOC_ASIDE},
};

const struct doc_type bankline_doc = {"bank-receipts", "bank_receipt", bank_states, bank_actions,
                                      sizeof bank_actions / sizeof bank_actions[0]};

const char *const call_kinds[] = {"weekly_collection",  "satisfaction", "tracking",
                                  "consumer_follow_up", "reminder",     NULL};

static const struct {
    const char *name;
    int col;
} headers[] = {
    {"value_date", BANKC_DATE},
    {"date", BANKC_DATE},
    {"交易日期", BANKC_DATE},
    {"日期", BANKC_DATE},
    {"入账日期", BANKC_DATE},
    {"记账日期", BANKC_DATE},
    {"payer_name", BANKC_PAYER_NAME},
    {"付款人名称", BANKC_PAYER_NAME},
    {"付款人", BANKC_PAYER_NAME},
    {"对方户名", BANKC_PAYER_NAME},
    {"对方名称", BANKC_PAYER_NAME},
    {"payer_account", BANKC_PAYER_ACCOUNT},
    {"付款人账号", BANKC_PAYER_ACCOUNT},
    {"对方账号", BANKC_PAYER_ACCOUNT},
    {"amount", BANKC_AMOUNT_YUAN},
    {"金额", BANKC_AMOUNT_YUAN},
    {"贷方金额", BANKC_AMOUNT_YUAN},
    {"收入金额", BANKC_AMOUNT_YUAN},
    {"amount_fen", BANKC_AMOUNT_FEN},
    {"memo", BANKC_MEMO},
    {"remark", BANKC_MEMO},
    {"摘要", BANKC_MEMO},
    {"附言", BANKC_MEMO},
    {"用途", BANKC_MEMO},
    {"备注", BANKC_MEMO},
    {"bank_ref", BANKC_REF},
    {"reference", BANKC_REF},
    {"流水号", BANKC_REF},
    {"交易流水号", BANKC_REF},
    {"bank_account", BANKC_ACCOUNT},
    {"本方账号", BANKC_ACCOUNT},
    {"账号", BANKC_ACCOUNT},
};

int bank_column(const char *h)
{
    if (!h)
        return -1;
    while (*h == ' ' || *h == '\t')
        h++;
    size_t n = strlen(h);
    while (n && (h[n - 1] == ' ' || h[n - 1] == '\t'))
        n--;
    for (size_t i = 0; i < sizeof headers / sizeof headers[0]; i++) {
        size_t m = strlen(headers[i].name);
        if (m != n)
            continue;
        size_t k = 0;
        while (k < n && tolower((unsigned char)h[k]) == (unsigned char)headers[i].name[k])
            k++;
        if (k == n)
            return headers[i].col;
    }
    return -1;
}

bool bank_amount_yuan(const char *s, long long *fen)
{
    if (!s)
        return false;
    while (*s == ' ')
        s++;
    if (strncmp(s, "\xc2\xa5", 2) == 0 || strncmp(s, "\xef\xbf\xa5", 3) == 0)
        s += s[0] == '\xc2' ? 2 : 3;
    long long whole = 0, frac = 0;
    int digits = 0, fd = -1;
    for (; *s && *s != ' '; s++) {
        if (*s == ',' && fd < 0 && digits > 0)
            continue;
        if (*s == '.' && fd < 0) {
            fd = 0;
            continue;
        }
        if (!isdigit((unsigned char)*s))
            return false;
        if (fd >= 0) {
            if (++fd > 2)
                return false;
            frac = frac * 10 + (*s - '0');
        } else {
            if (++digits > 12)
                return false;
            whole = whole * 10 + (*s - '0');
        }
    }
    while (*s == ' ')
        s++;
    if (*s || digits == 0 || fd == 0)
        return false;
    if (fd == 1)
        frac *= 10;
    long long v = whole * 100 + frac;
    if (v <= 0 || v > 10000000000000LL)
        return false;
    *fen = v;
    return true;
}

static bool all_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i]))
            return false;
    return true;
}

bool bank_date(const char *s, char out[11])
{
    if (!s)
        return false;
    size_t n = strlen(s);
    if (n == 8 && all_digits(s, 8)) {
        (void)str_fmt(out, 11, "%.4s-%.2s-%.2s", s, s + 4, s + 6);
        return true;
    }
    if (n == 10 && all_digits(s, 4) && all_digits(s + 5, 2) && all_digits(s + 8, 2) &&
        s[4] == s[7] && (s[4] == '-' || s[4] == '/' || s[4] == '.')) {
        (void)str_fmt(out, 11, "%.4s-%.2s-%.2s", s, s + 5, s + 8);
        return true;
    }
    return false;
}

static bool code_char(unsigned char ch)
{
    return isalnum(ch) || ch == '.' || ch == '_' || ch == '-';
}

bool bank_memo_names(const char *memo, const char *code)
{
    if (!memo || !code)
        return false;
    size_t n = strlen(code);
    if (n < 3)
        return false;
    for (const char *p = strstr(memo, code); p; p = strstr(p + 1, code)) {
        bool left = p == memo || !code_char((unsigned char)p[-1]);
        bool right = !code_char((unsigned char)p[n]);
        if (left && right)
            return true;
    }
    return false;
}
