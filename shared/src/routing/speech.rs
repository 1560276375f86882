//! What callers hear when the PBX itself speaks. One place, so wording stays consistent and the
//! tests can refer to it.

pub const NOT_IN_SERVICE: &str = "The number you have dialled is not in service. Goodbye.";
pub const TECHNICAL_PROBLEM: &str =
    "We are sorry, we cannot connect your call right now. Please try again later. Goodbye.";
pub const LOOP: &str =
    "We are sorry, this call cannot be connected because of a configuration problem. Goodbye.";
pub const SERVICE_SUSPENDED: &str = "This service is not available. Goodbye.";
pub const NO_ROUTE: &str =
    "The number you have dialled cannot be reached from this phone. Goodbye.";
/// An outside number the organization's outbound rules do not allow (a forwarding, an IVR
/// option…): the caller learns nothing about why.
pub const OUTSIDE_REFUSED: &str =
    "We are sorry, this call cannot be connected to an outside number. Goodbye.";
pub const UNAVAILABLE: &str = "The person you are calling is not available. Goodbye.";
pub const NOT_REACHABLE: &str = "The number you are calling could not be reached. Goodbye.";
pub const INVALID_OPTION: &str = "Sorry, that is not a valid option.";
pub const NO_INPUT: &str = "Sorry, we did not receive your selection.";
pub const DEFAULT_MENU_PROMPT: &str = "Please make your selection.";
pub const MAILBOX_UNAVAILABLE: &str = "This mailbox is not available. Goodbye.";
pub const NO_MESSAGE: &str = "No message was recorded. Goodbye.";
pub const MESSAGE_SAVED: &str = "Thank you. Your message has been saved. Goodbye.";
pub const ROOM_CLOSED: &str = "This conference room is closed. Goodbye.";
pub const ENTER_PIN: &str = "Please enter the conference PIN, followed by the hash key.";
pub const WRONG_PIN: &str = "That PIN is not correct.";
pub const PIN_REFUSED: &str = "That PIN is not correct. Goodbye.";
pub const BUSY: &str = "All our lines are busy. Please try again later. Goodbye.";

/// The greeting of a mailbox without a recorded or typed one.
pub fn default_greeting(name: &str) -> String {
    format!("{name} is not available. Please leave a message after the tone.")
}
