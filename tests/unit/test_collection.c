/*
 * test_collection.c — the collection routine's tables, row by row from the spec
 * (flows.md §4.3 collection request; entities.md §7.4 bank pool line; numbering-and-rules.md
 * §3 matrix rows), and the bank export helpers (rules/collection.c).
 */
#include "expect.h"

#include <string.h>

#include "rules/collection.h"
#include "rules/doc.h"

struct row {
    const char *action;
    unsigned from;
    int to;
    enum perm_action perm;
};

static void check_table(int *bad, const struct doc_type *t, const struct row *rows, size_t n)
{
    expect(bad, t->nactions == n, "%s: %zu actions", t->collection, n);
    for (size_t i = 0; i < n; i++) {
        int a = doc_action_parse(t, rows[i].action);
        expect(bad, a >= 0, "%s exists", rows[i].action);
        if (a < 0)
            continue;
        const struct doc_action *d = &t->actions[a];
        expect(bad, d->perm == rows[i].perm, "%s: permission row", rows[i].action);
        expect(bad, d->from == rows[i].from, "%s: from-states", rows[i].action);
        expect(bad, d->to == rows[i].to, "%s: to-state", rows[i].action);
    }
}

static void test_collection_request_table(void **state)
{
    (void)state;
    int bad = 0;
    const struct doc_type *t = &collreq_doc;
#define S(name) DOC_BIT(doc_state_parse(t, name))
    const struct row rows[] = {
        {"submit", S("draft"), doc_state_parse(t, "submitted"), P_COLLREQ_CREATE},
        /* BCR, then finance (both required): confirmed at the second, else submitted */
        {"confirm", S("submitted"), DOC_TO_DECIDED, P_COLLREQ_CONFIRM},
        {"send", S("confirmed"), doc_state_parse(t, "sent"), P_COLLREQ_SEND},
        {"close", S("draft") | S("submitted") | S("confirmed") | S("sent"),
         doc_state_parse(t, "closed"), P_COLLREQ_CLOSE},
    };
    check_table(&bad, t, rows, sizeof rows / sizeof rows[0]);
    static const char *const states[] = {"draft", "submitted", "confirmed",
                                         "sent",  "paid",      "closed"};
    for (size_t i = 0; i < 6; i++)
        expect(&bad, doc_state_parse(t, states[i]) == (int)i, "state %s", states[i]);
    /* numbering-and-rules.md §3: create B (SL, CSR), O (KAM, REP); confirm B + finance. */
    expect(&bad, perm_symbol(P_COLLREQ_CREATE, ROLE_SSG_LEADER) == 'B', "create: SL B");
    expect(&bad, perm_symbol(P_COLLREQ_CREATE, ROLE_CSR) == 'B', "create: CSR B");
    expect(&bad, perm_symbol(P_COLLREQ_CREATE, ROLE_KAM) == 'O', "create: KAM O");
    expect(&bad, perm_symbol(P_COLLREQ_CREATE, ROLE_REP) == 'O', "create: REP O");
    expect(&bad, !perm_may_act(P_COLLREQ_CREATE, ROLE_FINANCE), "create: not finance");
    expect(&bad, perm_symbol(P_COLLREQ_CONFIRM, ROLE_FINANCE) == 'Y', "confirm: finance");
    expect(&bad, perm_symbol(P_COLLREQ_CONFIRM, ROLE_CSR) == 'B', "confirm: BCR");
    expect(&bad, !perm_may_act(P_COLLREQ_CONFIRM, ROLE_KAM), "confirm: not the KAM");
    expect(&bad, perm_symbol(P_COLLREQ_SEND, ROLE_KAM) == 'O', "send: KAM");
    expect(&bad, !perm_may_act(P_COLLREQ_CLOSE, ROLE_KAM), "close: BCR only");
#undef S
    assert_int_equal(bad, 0);
}

static void test_bank_line_table(void **state)
{
    (void)state;
    int bad = 0;
    const struct doc_type *t = &bankline_doc;
#define S(name) DOC_BIT(doc_state_parse(t, name))
    const struct row rows[] = {
        {"claim", S("unmatched") | S("claimed"), doc_state_parse(t, "claimed"), P_BANK_CLAIM},
        {"register", S("claimed"), doc_state_parse(t, "registered"), P_PAYMENT},
        {"ignore", S("unmatched") | S("claimed"), doc_state_parse(t, "ignored"), P_PAYMENT},
    };
    check_table(&bad, t, rows, sizeof rows / sizeof rows[0]);
    /* claim: SL, CSR, FIN Y; KAM O. */
    static const enum role y[] = {ROLE_SSG_LEADER, ROLE_CSR, ROLE_FINANCE};
    for (size_t i = 0; i < 3; i++)
        expect(&bad, perm_symbol(P_BANK_CLAIM, y[i]) == 'Y', "claim: %s", role_str(y[i]));
    expect(&bad, perm_symbol(P_BANK_CLAIM, ROLE_KAM) == 'O', "claim: KAM O");
    expect(&bad, !perm_may_act(P_BANK_CLAIM, ROLE_REP), "claim: not REP");
#undef S
    assert_int_equal(bad, 0);
}

static void test_bank_helpers(void **state)
{
    (void)state;
    int bad = 0;
    static const struct {
        const char *h;
        int col;
    } cols[] = {{"交易日期", BANKC_DATE},
                {" Date ", BANKC_DATE},
                {"付款人名称", BANKC_PAYER_NAME},
                {"对方账号", BANKC_PAYER_ACCOUNT},
                {"金额", BANKC_AMOUNT_YUAN},
                {"AMOUNT_FEN", BANKC_AMOUNT_FEN},
                {"摘要", BANKC_MEMO},
                {"流水号", BANKC_REF},
                {"余额", -1},
                {"", -1}};
    for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++)
        expect(&bad, bank_column(cols[i].h) == cols[i].col, "column %s", cols[i].h);
    static const struct {
        const char *s;
        bool ok;
        long long fen;
    } amts[] = {{"1,234.50", true, 123450},
                {"12.5", true, 1250},
                {"0.01", true, 1},
                {"100", true, 10000},
                {"0", false, 0},
                {"-5.00", false, 0},
                {"1.234", false, 0},
                {"1.", false, 0},
                {"abc", false, 0},
                {"", false, 0},
                {"100000000000.00", true, 10000000000000LL},
                {"100000000000.01", false, 0}};
    for (size_t i = 0; i < sizeof amts / sizeof amts[0]; i++) {
        long long f = -1;
        bool ok = bank_amount_yuan(amts[i].s, &f);
        expect(&bad, ok == amts[i].ok && (!ok || f == amts[i].fen), "amount %s", amts[i].s);
    }
    char d[11];
    expect(&bad, bank_date("20451103", d) && strcmp(d, "2045-11-03") == 0, "yyyymmdd");
    expect(&bad, bank_date("2045/11/03", d) && strcmp(d, "2045-11-03") == 0, "slashes");
    expect(&bad, bank_date("2045-11-03", d) && strcmp(d, "2045-11-03") == 0, "iso");
    expect(&bad, !bank_date("2045-11/03", d), "mixed");
    expect(&bad, !bank_date("3/11/2045", d), "other order");
    expect(&bad, bank_memo_names("BKM123 货款", "BKM123"), "code then text");
    expect(&bad, bank_memo_names("货款 BKM123", "BKM123"), "text then code");
    expect(&bad, !bank_memo_names("BKM1234 货款", "BKM123"), "longer code");
    expect(&bad, !bank_memo_names("XBKM123", "BKM123"), "inside a word");
    expect(&bad, !bank_memo_names("AB 货款", "AB"), "short codes never match");
    assert_int_equal(bad, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_collection_request_table),
        cmocka_unit_test(test_bank_line_table),
        cmocka_unit_test(test_bank_helpers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
