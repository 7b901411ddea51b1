// Sign-up form: tells the browser, as the user types, whether the address
// looks like one we can send the confirmation mail to.

const MAX_LENGTH = 254; // RFC 5321 limit for a whole address

const EMAIL = /^([a-zA-Z0-9_.+-]+)+@(([a-zA-Z0-9-])+\.)+[a-zA-Z]{2,}$/;

export async function checkEmail(email) {
  if (typeof email !== 'string' || email.length > MAX_LENGTH) return false;
  return EMAIL.test(email);
}
