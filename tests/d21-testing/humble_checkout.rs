//! Kata 1: the humble checkout, tested with a mockall mock of `PaymentClient`.

use mockall::Sequence;
use mockall::predicate::eq;
use proptest::prelude::*;
use rstest::rstest;
use rust_decimal::Decimal;
use rust_decimal_macros::dec;

use crate::humble_checkout::*;

/// Runs `f` and returns its result with how many panics were raised on any thread while it
/// ran, caught ones included (in a test process of its own, see [`kata_test_support::alone`]):
/// a counting panic hook, installed once and chained to the previous one. Afterwards it raises and catches one panic of its own and requires the hook
/// to count it, so code that swaps the hook out for good is seen too.
fn panics_raised_by<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let (out, raised) = kata_test_support::panics_raised_by(f);
    let ((), probe) = kata_test_support::panics_raised_by(|| {
        let _ = std::panic::catch_unwind(|| {
            panic!("probe: is the counting panic hook still installed?")
        });
    });
    assert_eq!(
        probe, 1,
        "checkout replaced the panic hook and left it replaced: nothing may panic on input, \
         so checkout has no reason to touch the panic hook"
    );
    (out, raised)
}

fn item(sku: &str, unit_price: Decimal, quantity: u32) -> LineItem {
    LineItem {
        sku: sku.to_owned(),
        unit_price,
        quantity,
    }
}

/// Ada's order 42: 3 pens at 0.10 and one book at 19.99, 20.29 in all.
fn cart() -> Cart {
    Cart {
        order_id: "42".to_owned(),
        user_id: "usr_99".to_owned(),
        items: vec![item("pen", dec!(0.10), 3), item("book", dec!(19.99), 1)],
    }
}

fn expected_request() -> ChargeRequest {
    ChargeRequest {
        user_id: "usr_99".to_owned(),
        amount: dec!(20.29),
        idempotency_key: "checkout-42".to_owned(),
    }
}

/// The provider's receipt as it answers: its charge id and the amount *it* says it charged
/// (20.00: a discount of its own that checkout knows nothing about). The receipt is the
/// provider's proof, handed back as it came.
fn receipt() -> Receipt {
    Receipt {
        charge_id: "ch_1".to_owned(),
        amount: dec!(20.00),
    }
}

/// Expects `times` charges of [`expected_request`] next, in `order`, each answered `answer`.
fn expect_charges(
    client: &mut MockPaymentClient,
    order: &mut Sequence,
    times: usize,
    answer: Result<Receipt, PaymentError>,
) {
    client
        .expect_charge()
        .with(eq(expected_request()))
        .times(times)
        .in_sequence(order)
        .returning(move |_| answer.clone());
}

/// A payment client whose `charge` must never be called.
fn never_charged() -> MockPaymentClient {
    let mut client = MockPaymentClient::new();
    client.expect_charge().never();
    client
}

#[test]
fn charges_exactly_once_with_the_user_total_and_key() {
    let mut client = MockPaymentClient::new();
    expect_charges(&mut client, &mut Sequence::new(), 1, Ok(receipt()));

    let got = checkout(&cart(), &client);

    assert_eq!(
        got,
        Ok(receipt()),
        "checkout must hand back the provider's receipt after one successful charge, as the \
         provider wrote it (here it says 20.00 for a 20.29 request), not one rebuilt from \
         checkout's own total: the receipt is the provider's word on what was charged"
    );
}

#[rstest]
#[case::one_line(vec![item("pen", dec!(0.10), 3)], dec!(0.30))]
#[case::two_lines(vec![item("pen", dec!(0.10), 3), item("book", dec!(19.99), 1)], dec!(20.29))]
#[case::free_item(vec![item("sticker", dec!(0), 5), item("pen", dec!(1.5), 2)], dec!(3.0))]
#[case::exactly_decimal_max(vec![item("whole", Decimal::MAX, 1)], Decimal::MAX)]
#[case::a_third_of_decimal_max_three_times(vec![item("third", dec!(26409387504754779197847983445), 3)], Decimal::MAX)]
#[case::just_under_decimal_max(vec![item("half", dec!(39614081257132168796771975167), 2)], dec!(79228162514264337593543950334))]
#[case::lines_adding_up_to_decimal_max(vec![item("most", dec!(79228162514264337593543950334), 1), item("one", dec!(1), 1)], Decimal::MAX)]
fn totals_unit_prices_times_quantities_exactly(
    #[case] items: Vec<LineItem>,
    #[case] expected: Decimal,
) {
    let cart = Cart { items, ..cart() };

    let got = cart_total(&cart);

    assert_eq!(
        got,
        Ok(expected),
        "the total is the exact decimal sum of unit_price × quantity; money never goes through \
         f64. A cart whose exact total fits in Decimal, up to Decimal::MAX itself, is valid: \
         only what checked_mul/checked_add report as overflowing is refused, not what an f64 \
         estimate says is near the top"
    );
}

#[test]
fn derives_the_idempotency_key_from_the_order_id() {
    assert_eq!(
        idempotency_key(&cart()),
        "checkout-42",
        "the key is \"checkout-\" + order id, so every retry of this order carries the same key"
    );
}

#[test]
fn a_declined_card_becomes_a_typed_error_after_one_call() {
    let mut client = MockPaymentClient::new();
    client.expect_charge().times(1).returning(|_| {
        Err(PaymentError::Declined {
            reason: "insufficient funds".to_owned(),
        })
    });

    let got = checkout(&cart(), &client);

    assert_eq!(
        got,
        Err(CheckoutError::Declined {
            reason: "insufficient funds".to_owned()
        }),
        "a decline is final: no receipt, no retry, and the provider's reason is kept"
    );
}

#[test]
fn retries_a_transient_failure_with_the_same_request_and_key() {
    let mut client = MockPaymentClient::new();
    let mut order = Sequence::new();
    let transient = PaymentError::Transient("503 from provider".to_owned());
    expect_charges(&mut client, &mut order, 2, Err(transient));
    expect_charges(&mut client, &mut order, 1, Ok(receipt()));

    let got = checkout(&cart(), &client);

    assert_eq!(
        got,
        Ok(receipt()),
        "two transient failures then a success must end in the receipt (3 attempts allowed)"
    );
}

#[test]
fn reports_unavailable_after_three_transient_failures() {
    let mut client = MockPaymentClient::new();
    let mut order = Sequence::new();
    // Three different messages: only the third attempt's is the last error.
    for message in ["502 bad gateway", "read timed out", "timeout"] {
        let transient = PaymentError::Transient(message.to_owned());
        expect_charges(&mut client, &mut order, 1, Err(transient));
    }

    let got = checkout(&cart(), &client);

    assert_eq!(
        got,
        Err(CheckoutError::Unavailable {
            attempts: MAX_ATTEMPTS,
            last: "timeout".to_owned()
        }),
        "after {MAX_ATTEMPTS} transient failures checkout must stop and report the last error \
         (the third attempt's message, not the first's: keep the newest as you retry)"
    );
}

#[test]
fn a_decline_after_a_transient_failure_stops_the_retries() {
    let mut client = MockPaymentClient::new();
    let mut order = Sequence::new();
    client
        .expect_charge()
        .times(1)
        .in_sequence(&mut order)
        .returning(|_| Err(PaymentError::Transient("503".to_owned())));
    client
        .expect_charge()
        .times(1)
        .in_sequence(&mut order)
        .returning(|_| {
            Err(PaymentError::Declined {
                reason: "stolen card".to_owned(),
            })
        });

    let got = checkout(&cart(), &client);

    assert_eq!(
        got,
        Err(CheckoutError::Declined {
            reason: "stolen card".to_owned()
        }),
        "a decline ends the retries at once, even after a transient failure"
    );
}

#[test]
fn an_empty_cart_never_calls_the_client() {
    let client = never_charged();
    let empty = Cart {
        items: vec![],
        ..cart()
    };

    let got = checkout(&empty, &client);

    assert_eq!(
        got,
        Err(CheckoutError::EmptyCart),
        "an empty cart is refused before any money moves"
    );
}

#[rstest]
#[case::zero_quantity(item("pen", dec!(0.10), 0), "quantity")]
#[case::negative_price(item("refund-hack", dec!(-5.00), 1), "negative")]
#[case::line_product_overflows_decimal(item("bulk", Decimal::MAX, 2), "overflow")]
#[case::running_total_overflows_decimal(item("whale", Decimal::MAX, 1), "overflow")]
// Decimal::MAX / 2 rounds up to this price, so a `price > MAX / quantity` guard lets it by.
#[case::line_product_just_over_decimal_max(item("edge", dec!(39614081257132168796771975168), 2), "overflow")]
#[case::a_third_of_decimal_max_plus_one_three_times(item("edge", dec!(26409387504754779197847983446), 3), "overflow")]
#[case::running_total_just_over_decimal_max(item("top", dec!(79228162514264337593543950316), 1), "overflow")]
fn an_invalid_line_is_refused_without_calling_the_client(
    #[case] bad: LineItem,
    #[case] reason_mentions: &str,
) {
    // In a test process of its own, so that a panic on any thread checkout starts counts too
    // (and no other test's panics do). libtest names each test's thread after the test.
    let module = module_path!();
    let path = module.split_once("::").map_or(module, |(_, rest)| rest);
    let thread = std::thread::current();
    let case = thread
        .name()
        .and_then(|test| test.strip_prefix(path)?.strip_prefix("::"))
        .expect("libtest names the test's thread after the test");
    kata_test_support::alone(module, case, || refuses_the_line(bad, reason_mentions));
}

fn refuses_the_line(bad: LineItem, reason_mentions: &str) {
    let client = never_charged();
    let sku = bad.sku.clone();
    let mut bad_cart = cart();
    bad_cart.items.push(bad);

    let (got, panics) = panics_raised_by(|| checkout(&bad_cart, &client));

    assert_eq!(
        panics, 0,
        "checkout raised {panics} panic(s) for the bad line {sku} (caught or not, on this \
         thread or on one it started and joined): nothing may panic on input; refuse it with \
         checked arithmetic (`checked_mul`/`checked_add`), not `+`/`*` inside `catch_unwind` \
         or on a helper thread whose failed join stands for the overflow"
    );
    match got {
        Err(CheckoutError::InvalidItem {
            sku: got_sku,
            reason,
        }) => {
            assert_eq!(got_sku, sku, "the error must name the offending line");
            assert!(
                reason.contains(reason_mentions),
                "the reason {reason:?} must say what is wrong ({reason_mentions})"
            );
        }
        other => panic!("expected InvalidItem for {sku}, checkout returned {other:?}"),
    }
}

/// Prices with fractions of a cent, where going through `f64` (and rounding to cents there)
/// gives another number than exact decimal arithmetic.
#[rstest]
#[case::half_a_cent_that_f64_rounds_to_even(vec![item("nib", dec!(0.125), 1)], dec!(0.125))]
#[case::a_half_cent_f64_stores_below_the_tie(vec![item("clip", dec!(1.005), 1)], dec!(1.005))]
#[case::another_tie_f64_cannot_hold(vec![item("tape", dec!(2.675), 1)], dec!(2.675))]
#[case::half_cents_that_add_up(vec![item("nib", dec!(0.145), 3), item("clip", dec!(0.005), 1)], dec!(0.440))]
#[case::a_price_below_a_tenth_of_a_cent(vec![item("grain", dec!(0.0004), 1)], dec!(0.0004))]
#[case::four_decimals_times_three(vec![item("bolt", dec!(1.2345), 3)], dec!(3.7035))]
#[case::eight_decimals(vec![item("kwh", dec!(0.12345678), 7)], dec!(0.86419746))]
#[case::nine_decimals(vec![item("gas", dec!(0.000000001), 3)], dec!(0.000000003))]
#[case::twelve_decimals(vec![item("token", dec!(1.000000000007), 5), item("nib", dec!(0.125), 1)], dec!(5.125000000035))]
#[case::the_finest_decimal(vec![item("dust", dec!(0.0000000000000000000000000001), 7)], dec!(0.0000000000000000000000000007))]
#[case::more_digits_than_f64_has(vec![item("yacht", dec!(12345678901234.567), 3)], dec!(37037036703703.701))]
fn totals_prices_with_fractions_of_a_cent_exactly(
    #[case] items: Vec<LineItem>,
    #[case] expected: Decimal,
) {
    let cart = Cart { items, ..cart() };

    let got = cart_total(&cart);

    assert_eq!(
        got,
        Ok(expected),
        "the total must be the exact decimal sum, never rounded: {expected} is what the cart \
         costs. Going through f64, or rounding a line or the total to cents or to any number \
         of decimals, changes it; multiply and add in Decimal and keep every digit"
    );
}

/// Carts whose exact total f64 or a rounding to cents would change, charged through checkout:
/// the amount on the request is the total itself, not a second sum worked out another way.
#[rstest]
#[case::a_tenth_and_a_fifth(vec![item("pen", dec!(0.1), 1), item("cap", dec!(0.2), 1)], dec!(0.3))]
#[case::half_a_cent(vec![item("nib", dec!(0.125), 1)], dec!(0.125))]
#[case::a_half_cent_f64_stores_below_the_tie(vec![item("clip", dec!(1.005), 3)], dec!(3.015))]
#[case::twelve_decimals(vec![item("token", dec!(1.000000000007), 5), item("nib", dec!(0.125), 1)], dec!(5.125000000035))]
#[case::the_finest_decimal(vec![item("dust", dec!(0.0000000000000000000000000001), 7)], dec!(0.0000000000000000000000000007))]
#[case::more_digits_than_f64_has(vec![item("yacht", dec!(12345678901234.567), 3)], dec!(37037036703703.701))]
fn charges_the_exact_total_never_a_rounded_or_float_one(
    #[case] items: Vec<LineItem>,
    #[case] expected: Decimal,
) {
    let cart = Cart { items, ..cart() };
    let charged = Receipt {
        charge_id: "ch_1".to_owned(),
        amount: expected,
    };
    let mut client = MockPaymentClient::new();
    let answer = charged.clone();
    client
        .expect_charge()
        .withf(move |request| {
            assert_eq!(
                request.amount, expected,
                "checkout charged {} for a cart that costs exactly {expected}: charge the exact \
                 Decimal total (cart_total), never a sum done in f64 or rounded to cents",
                request.amount
            );
            request.user_id == "usr_99" && request.idempotency_key == "checkout-42"
        })
        .times(1)
        .returning(move |_| Ok(answer.clone()));

    let got = checkout(&cart, &client);

    assert_eq!(
        got,
        Ok(charged),
        "checkout must charge {expected} once and hand back the receipt"
    );
}

/// A price as (hundred-millionths, Decimal): half-cents, prices with 0 to 8 decimals (so a
/// total kept to cents or to tenths of a cent shows), and amounts longer than `f64` holds.
fn price() -> impl Strategy<Value = (i128, Decimal)> {
    prop_oneof![
        (0i64..1_000).prop_map(|cents| (cents * 10 + 5, 3)),
        (0i64..100_000, 0u32..=8),
        (10_000_000_000_000i64..100_000_000_000_000_000).prop_map(|thousandths| (thousandths, 3)),
    ]
    .prop_map(|(mantissa, scale)| {
        (
            i128::from(mantissa) * 10i128.pow(8 - scale),
            Decimal::new(mantissa, scale),
        )
    })
}

proptest! {
    #![proptest_config(super::proptest_config())]

    #[test]
    fn the_total_is_the_exact_sum_of_any_decimal_prices(
        lines in proptest::collection::vec((price(), 1u32..50), 1..6),
    ) {
        let items: Vec<LineItem> = lines
            .iter()
            .map(|((_, unit_price), quantity)| item("sku", *unit_price, *quantity))
            .collect();
        // The oracle counts hundred-millionths in integers: no rounding anywhere.
        let units: i128 = lines
            .iter()
            .map(|((u, _), quantity)| u * i128::from(*quantity))
            .sum();
        let expected = Decimal::from_i128_with_scale(units, 8);
        let cart = Cart { items, ..cart() };

        prop_assert_eq!(
            cart_total(&cart),
            Ok(expected),
            "the total of {:?} must be exact: sum unit_price × quantity in Decimal, never f64",
            cart.items.iter().map(|i| (i.unit_price, i.quantity)).collect::<Vec<_>>()
        );
    }
}

/// Cases kept out of the visible suite, for `cargo kata exam` (docs/authoring.md): another
/// cart through the mock (another user, order and a total in fractions of a cent), the last
/// of several different transient messages, and a bad line that comes first.
#[cfg(feature = "held-out")]
mod held_out {
    use super::*;

    #[test]
    fn charges_another_cart_with_its_own_user_total_and_key() {
        let other = Cart {
            order_id: "ORD-2024/7".to_owned(),
            user_id: "usr_grace".to_owned(),
            items: vec![item("nib", dec!(0.125), 3), item("ink", dec!(4.50), 2)],
        };
        let charged = Receipt {
            charge_id: "ch_77".to_owned(),
            amount: dec!(9.375),
        };
        let mut client = MockPaymentClient::new();
        let answer = charged.clone();
        client
            .expect_charge()
            .with(eq(ChargeRequest {
                user_id: "usr_grace".to_owned(),
                amount: dec!(9.375),
                idempotency_key: "checkout-ORD-2024/7".to_owned(),
            }))
            .times(1)
            .returning(move |_| Ok(answer.clone()));

        let got = checkout(&other, &client);

        assert_eq!(
            got,
            Ok(charged),
            "checkout of Grace's order ORD-2024/7 must charge usr_grace 9.375 exactly (3 × 0.125 \
             + 2 × 4.50) with the key \"checkout-ORD-2024/7\", once, and hand back the receipt"
        );
    }

    #[test]
    fn unavailable_reports_the_last_of_different_transient_errors() {
        let mut client = MockPaymentClient::new();
        let mut order = Sequence::new();
        for message in ["503 from provider", "timeout", "connection reset"] {
            let transient = PaymentError::Transient(message.to_owned());
            expect_charges(&mut client, &mut order, 1, Err(transient));
        }

        let got = checkout(&cart(), &client);

        assert_eq!(
            got,
            Err(CheckoutError::Unavailable {
                attempts: MAX_ATTEMPTS,
                last: "connection reset".to_owned()
            }),
            "after {MAX_ATTEMPTS} transient failures with different messages, Unavailable must \
             carry the last one (the third attempt's), not the first"
        );
    }

    #[test]
    fn a_bad_first_line_is_refused_without_calling_the_client() {
        let client = never_charged();
        let mut bad_cart = cart();
        bad_cart.items.insert(0, item("ghost", dec!(3.00), 0));

        let got = checkout(&bad_cart, &client);

        assert!(
            matches!(&got, Err(CheckoutError::InvalidItem { sku, reason })
                if sku == "ghost" && reason.contains("quantity")),
            "checkout of a cart whose first line has quantity 0 gave {got:?}: it must be \
             InvalidItem naming that line (\"ghost\") and its fault (quantity), before any \
             charge, wherever the line sits"
        );
    }
}
