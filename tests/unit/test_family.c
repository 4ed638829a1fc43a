/*
 * test_family.c - the family registry (bench/families/family.h): families
 * run in the order they declare, whatever order their constructors ran in,
 * and a benchmark name finds its family by its first segment.
 *
 * The unit runner links no bench_*.c, so the registry holds only the three
 * families declared here, in an order the registry has to fix.
 */
#include "tests/unit/check.h"

#include <string.h>

#include "bench/families/family.h"

static void reg_none(const struct hb_bench_ctx *ctx)
{
    (void)ctx;
}

HB_FAMILY(zeta, 50, reg_none, 1, 2, 3, .ref_kinds = "copy");
HB_FAMILY(beta, 10, reg_none, 0.1, 0.2, 0.3);
HB_FAMILY(alpha, 10, reg_none, 0.01, 0.02, 0.03);

/* Expect: alpha and beta (order 10, by name), then zeta (50). */
TEST(family_order_check)
{
    CHECK_EQ(hb_family_count(), 3);
    CHECK_STR(hb_family_get(0)->name, "alpha");
    CHECK_STR(hb_family_get(1)->name, "beta");
    CHECK_STR(hb_family_get(2)->name, "zeta");
    CHECK(hb_family_get(3) == NULL);
    CHECK(hb_family_get(1)->prior_s[1] == 0.2);
    CHECK(hb_family_get(2)->reg == reg_none);
}

/* Expect: each family's declaration carries its name and what follows the
 * priors, and reached the writer as it joined (declaring it again is a
 * no-op, 0); none of the three is a reference. */
TEST(family_declaration_check)
{
    const struct hb_family *z = hb_family_get(2);

    CHECK_STR(z->tidy.name, "zeta");
    CHECK_STR(z->tidy.ref_kinds, "copy");
    CHECK(!z->tidy.reference && hb_family_get(0)->tidy.ref_kinds == NULL);
    CHECK_EQ(hb_tidy_declare(&z->tidy), 0);
    CHECK(hb_tidy_reference() == NULL || strcmp(hb_tidy_reference()->name, "zeta"));
}

/* Expect: the first segment, whole, names the family. */
TEST(family_of_name_check)
{
    CHECK_EQ(hb_family_of("beta/what/key:1"), 1);
    CHECK_EQ(hb_family_of("zeta"), 2);
    CHECK_EQ(hb_family_of("alphabet/x"), -1);
    CHECK_EQ(hb_family_of("alph/x"), -1);
    CHECK_EQ(hb_family_of(""), -1);
}
