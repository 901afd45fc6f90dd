//! # Kata 1: the humble checkout
//!
//! **Build** `checkout`, which totals a cart and charges the buyer through a
//! [`PaymentClient`] it is *given*, never one it creates.
//!
//! **Why it matters.** A checkout that builds its own payment client can only be tested
//! against the real payment provider: slow, flaky, and one bug away from charging a real
//! card twice. Taking the client as an argument (the Humble Object pattern) makes the
//! business rules testable with a double, and the idempotency key makes a retry safe: the
//! provider sees the same key and charges at most once.
//!
//! **Python → Rust.** The article passes a `Mock()` as `payment_client` and warns against
//! `patch("module.path")`. Rust cannot patch at run time; it can swap a type for the test
//! build at compile time (`#[cfg(test)]` imports, `mockall_double`), which couples the test
//! to names just as `patch` does. The door the article recommends is a trait as the seam
//! and a generic (or `&dyn`) parameter.
//! `mockall::automock` writes the mock for the trait (in test builds only), and
//! `.times(1).with(eq(...))` is `assert_called_once_with`.
//!
//! **Rules.**
//! - The amount is the sum of `unit_price × quantity` over the items, in
//!   [`Decimal`] (never `f64` for money). Prices may have fractions of a cent (`0.125`):
//!   the total is exact, never rounded.
//! - An empty cart, a zero quantity or a negative price is refused *before* the client is
//!   called.
//! - A line whose `unit_price × quantity`, or a cart whose running total, overflows
//!   [`Decimal`] is refused as [`CheckoutError::InvalidItem`] naming that line, with a reason
//!   that mentions "overflow" (use `checked_mul`/`checked_add`): nothing panics on input.
//! - The charge carries the cart's user, the total and the key from [`idempotency_key`].
//!   A successful charge returns the provider's [`Receipt`] as it came.
//! - [`PaymentError::Declined`] ends the checkout at once with [`CheckoutError::Declined`].
//! - [`PaymentError::Transient`] is retried with the same request, up to [`MAX_ATTEMPTS`]
//!   attempts in all, then reported as [`CheckoutError::Unavailable`] with the last
//!   failure's message.
//!
//! **The tests check.**
//! - one successful charge, made exactly once with the cart's user, total and key, and the
//!   provider's receipt handed back as it came (its amount is the provider's word, even when
//!   it differs from the total), never rebuilt. Checked by `charges_exactly_once_with_the_user_total_and_key`,
//!   `derives_the_idempotency_key_from_the_order_id`.
//! - the total is the exact decimal sum, never rounded, even for fractions of a cent (0.125,
//!   1.005), prices with any number of decimals up to `Decimal`'s 28 (0.0004, 1.2345,
//!   0.000000001; no fixed scale of integer units) and amounts longer than `f64` can hold.
//!   Checked by
//!   `totals_unit_prices_times_quantities_exactly`,
//!   `totals_prices_with_fractions_of_a_cent_exactly`,
//!   `the_total_is_the_exact_sum_of_any_decimal_prices`.
//! - the charge carries that exact total too (0.1 + 0.2, 0.125, 28 decimals, more digits than
//!   `f64` holds), not a rounded or `f64` sum. Checked by
//!   `charges_the_exact_total_never_a_rounded_or_float_one`.
//! - a decline becomes a typed error after one call, even after a transient failure.
//!   Checked by `a_declined_card_becomes_a_typed_error_after_one_call`,
//!   `a_decline_after_a_transient_failure_stops_the_retries`.
//! - transient failures are retried with the same request and key, then reported as
//!   `Unavailable` after `MAX_ATTEMPTS`, carrying the last failure's message (three
//!   different ones: the third's). Checked by
//!   `retries_a_transient_failure_with_the_same_request_and_key`,
//!   `reports_unavailable_after_three_transient_failures`.
//! - bad carts never reach the client, and the error names the line and its fault. Checked
//!   by `an_empty_cart_never_calls_the_client`,
//!   `an_invalid_line_is_refused_without_calling_the_client`.
//! - a cart whose exact total fits in `Decimal` is valid up to `Decimal::MAX` itself (one
//!   line of `Decimal::MAX × 1`, `Decimal::MAX / 3` × 3, lines adding up to it, one unit
//!   under it): only an overflow that `checked_mul`/`checked_add` report is refused, never an
//!   `f64` estimate of one. Checked by `totals_unit_prices_times_quantities_exactly`.
//! - a line whose product overflows `Decimal` (`Decimal::MAX × 2`, and just over the limit:
//!   `39614081257132168796771975168 × 2`, which is `Decimal::MAX + 1` although
//!   `Decimal::MAX / 2` rounds to that price, `Decimal::MAX / 3 + 1` × 3), and a line that
//!   makes the running total overflow (`Decimal::MAX` after other lines, or `Decimal::MAX`
//!   − 19 after the 20.29 of other lines), are refused as `InvalidItem` naming that line, reason mentioning "overflow", without calling the
//!   client and without a panic, a caught one included, on any thread (a counting panic hook,
//!   chained to the previous one, sees every panic of a test process that runs this one case
//!   alone, on the test's thread and on any thread checkout starts, and must still be
//!   installed after the call). Checked by
//!   `an_invalid_line_is_refused_without_calling_the_client`.
//!
//! **Not checked.** A `catch_unwind` around `+`/`*` that also swaps the panic hook out for
//! the call and puts the previous one back afterwards: while its hook is installed no code of
//! the test's runs, so that panic is invisible. Checked arithmetic stays the rule.

use rust_decimal::Decimal;
use thiserror::Error;

/// How many times a transient failure is tried in all before checkout gives up.
pub const MAX_ATTEMPTS: u32 = 3;

/// One line of a cart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineItem {
    /// Stock-keeping unit, used in error messages.
    pub sku: String,
    /// Price of one unit.
    pub unit_price: Decimal,
    /// How many units.
    pub quantity: u32,
}

/// What a buyer is about to pay for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cart {
    /// The order this cart becomes; the idempotency key is derived from it.
    pub order_id: String,
    /// The buyer to charge.
    pub user_id: String,
    /// The lines of the cart.
    pub items: Vec<LineItem>,
}

/// Everything the payment provider needs for one charge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChargeRequest {
    /// The buyer.
    pub user_id: String,
    /// The total to charge.
    pub amount: Decimal,
    /// The same key on every attempt, so a retry never charges twice.
    pub idempotency_key: String,
}

/// Proof of a successful charge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receipt {
    /// The provider's id for the charge.
    pub charge_id: String,
    /// The amount charged.
    pub amount: Decimal,
}

/// What a payment provider can answer instead of a receipt.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PaymentError {
    /// The card was refused; retrying will not help.
    #[error("card declined: {reason}")]
    Declined {
        /// The provider's reason.
        reason: String,
    },
    /// The provider could not answer now (timeout, 503); a retry may succeed.
    #[error("transient payment failure: {0}")]
    Transient(String),
}

/// Why a checkout did not produce a receipt.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CheckoutError {
    /// The cart has no items.
    #[error("the cart is empty")]
    EmptyCart,
    /// A line of the cart cannot be charged.
    #[error("item {sku} is invalid: {reason}")]
    InvalidItem {
        /// The offending line's SKU.
        sku: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The provider declined the card.
    #[error("payment declined: {reason}")]
    Declined {
        /// The provider's reason.
        reason: String,
    },
    /// Every attempt failed transiently.
    #[error("payment unavailable after {attempts} attempts: {last}")]
    Unavailable {
        /// How many attempts were made.
        attempts: u32,
        /// The last transient error's message.
        last: String,
    },
}

/// The seam: anything that can charge a user.
#[cfg_attr(test, mockall::automock)]
pub trait PaymentClient {
    /// Charges `request.amount` to `request.user_id`, at most once per idempotency key.
    fn charge(&self, request: &ChargeRequest) -> Result<Receipt, PaymentError>;
}

/// The idempotency key of a cart: `"checkout-"` followed by its order id.
pub fn idempotency_key(cart: &Cart) -> String {
    format!("checkout-{}", cart.order_id)
}

/// The cart's total, or the reason it cannot be charged.
pub fn cart_total(cart: &Cart) -> Result<Decimal, CheckoutError> {
    if cart.items.is_empty() {
        return Err(CheckoutError::EmptyCart);
    }
    cart.items.iter().try_fold(Decimal::ZERO, |total, item| {
        total
            .checked_add(line_total(item)?)
            .ok_or_else(|| CheckoutError::InvalidItem {
                sku: item.sku.clone(),
                reason: "cart total overflows".to_owned(),
            })
    })
}

/// One line's price, refusing zero quantities and negative prices.
fn line_total(item: &LineItem) -> Result<Decimal, CheckoutError> {
    let invalid = |reason: &str| CheckoutError::InvalidItem {
        sku: item.sku.clone(),
        reason: reason.to_owned(),
    };
    if item.quantity == 0 {
        return Err(invalid("quantity must be at least 1"));
    }
    if item.unit_price < Decimal::ZERO {
        return Err(invalid("unit price must not be negative"));
    }
    item.unit_price
        .checked_mul(Decimal::from(item.quantity))
        .ok_or_else(|| invalid("line total overflows"))
}

/// Charges the cart's total through `client`, retrying transient failures.
pub fn checkout(cart: &Cart, client: &impl PaymentClient) -> Result<Receipt, CheckoutError> {
    let request = ChargeRequest {
        user_id: cart.user_id.clone(),
        amount: cart_total(cart)?,
        idempotency_key: idempotency_key(cart),
    };
    let mut last = String::new();
    for _ in 0..MAX_ATTEMPTS {
        match client.charge(&request) {
            Ok(receipt) => return Ok(receipt),
            Err(PaymentError::Declined { reason }) => {
                return Err(CheckoutError::Declined { reason });
            }
            Err(PaymentError::Transient(message)) => last = message,
        }
    }
    Err(CheckoutError::Unavailable {
        attempts: MAX_ATTEMPTS,
        last,
    })
}
