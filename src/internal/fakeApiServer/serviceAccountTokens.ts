/**
 * Service account tokens as the apiserver's TokenRequest issues them: RS256 JWTs with the claims Kubernetes puts in
 * them (`iss`, `sub`, `aud`, `exp`, `iat`, `nbf`, `jti`, and `kubernetes.io` naming the namespace and account), so
 * a program that decodes or verifies its token (an expiry check, a JWKS verifier) works against the fake. The key
 * is made on the first request for a token, and its public half is served as the issuer's JWKS
 * (`/openid/v1/jwks`, with the discovery document at `/.well-known/openid-configuration`).
 */
import * as Crypto from "node:crypto"

/** The issuer and default audience of a kubeadm cluster's tokens. */
export const issuer = "https://kubernetes.default.svc.cluster.local"

export interface ServiceAccountClaims {
  readonly namespace: string
  readonly name: string
  readonly uid: string | undefined
  readonly audiences: ReadonlyArray<string>
  /** Seconds since the epoch. */
  readonly issuedAt: number
  readonly expirationSeconds: number
}

interface Material {
  readonly privateKey: Crypto.KeyObject
  readonly jwk: Crypto.JsonWebKey
  readonly kid: string
}

const base64url = (value: string | Buffer): string => Buffer.from(value).toString("base64url")

export class TokenSigner {
  private material: Material | undefined

  private key(): Material {
    if (this.material === undefined) {
      const { privateKey, publicKey } = Crypto.generateKeyPairSync("rsa", { modulusLength: 2048 })
      // The apiserver's key id is a hash of the public key's DER form.
      const der = publicKey.export({ type: "spki", format: "der" })
      const kid = base64url(Crypto.createHash("sha256").update(der).digest())
      this.material = { privateKey, jwk: publicKey.export({ format: "jwk" }), kid }
    }
    return this.material
  }

  sign(claims: ServiceAccountClaims): string {
    const { privateKey, kid } = this.key()
    const header = base64url(JSON.stringify({ alg: "RS256", kid }))
    const payload = base64url(JSON.stringify({
      aud: claims.audiences,
      exp: claims.issuedAt + claims.expirationSeconds,
      iat: claims.issuedAt,
      iss: issuer,
      jti: Crypto.randomUUID(),
      "kubernetes.io": {
        namespace: claims.namespace,
        serviceaccount: { name: claims.name, uid: claims.uid }
      },
      nbf: claims.issuedAt,
      sub: `system:serviceaccount:${claims.namespace}:${claims.name}`
    }))
    const signature = Crypto.sign("sha256", Buffer.from(`${header}.${payload}`), privateKey)
    return `${header}.${payload}.${signature.toString("base64url")}`
  }

  jwks(): object {
    const { jwk, kid } = this.key()
    return { keys: [{ use: "sig", kty: "RSA", kid, alg: "RS256", n: jwk.n, e: jwk.e }] }
  }

  /** The OIDC discovery document; the JWKS URL points at `serverUrl`, where the fake is reached. */
  discovery(serverUrl: string): object {
    return {
      issuer,
      jwks_uri: `${serverUrl}/openid/v1/jwks`,
      response_types_supported: ["id_token"],
      subject_types_supported: ["public"],
      id_token_signing_alg_values_supported: ["RS256"]
    }
  }
}
