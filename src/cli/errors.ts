// The error types live in model/ so that config and io can raise them; commands keep importing them here.
export { UsageError, type ErrorCode } from '../model/errors.js';
