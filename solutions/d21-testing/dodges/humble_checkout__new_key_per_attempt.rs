//! Dodge: build a fresh request, with a fresh idempotency key, for every attempt: each
//! retry looks like a new payment to the provider, so a lost reply can charge twice.
//! Caught by: retries_a_transient_failure_with_the_same_request_and_key, charges_exactly_once_with_the_user_total_and_key

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
    cart.items
        .iter()
        .try_fold(Decimal::ZERO, |total, item| Ok(total + line_total(item)?))
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
    let amount = cart_total(cart)?;
    let mut last = String::new();
    for attempt in 0..MAX_ATTEMPTS {
        let request = ChargeRequest {
            user_id: cart.user_id.clone(),
            amount,
            idempotency_key: format!("{}-try{attempt}", idempotency_key(cart)),
        };
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
