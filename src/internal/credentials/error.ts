export { CredentialsError, type CredentialsErrorReason } from "../../CredentialsError.js"
