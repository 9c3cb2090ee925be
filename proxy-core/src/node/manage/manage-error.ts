/**
 * A management command's failure, printed as `ERROR: <message>` (Perlbal ManageCommand err
 * and the `die` inside a handler that run_manage_command turns into an error line).
 */
export class ManageError extends Error {}
