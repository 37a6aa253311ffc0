/**
 * effect-kube: an Effect-native Kubernetes API client. Each module is one concept; generated API types live under
 * the `effect-kube/api/<group>/<version>` subpaths, outside this barrel, so importing it stays cheap.
 *
 * @since 0.1.0
 */

/** @since 0.1.0 */
export * as Clientset from "./Clientset.js"
/** @since 0.1.0 */
export * as Credentials from "./Credentials.js"
/** @since 0.1.0 */
export * as CustomResource from "./CustomResource.js"
/** @since 0.1.0 */
export * as DiscoveryClient from "./DiscoveryClient.js"
/** @since 0.1.0 */
export * as DynamicClient from "./DynamicClient.js"
/** @since 0.1.0 */
export * as FakeApiServer from "./FakeApiServer.js"
/** @since 0.1.0 */
export * as Kube from "./Kube.js"
/** @since 0.1.0 */
export * as KubeError from "./KubeError.js"
/** @since 0.1.0 */
export * as Kubeconfig from "./Kubeconfig.js"
/** @since 0.1.0 */
export * as KubeRequest from "./KubeRequest.js"
/** @since 0.2.0 */
export * as Manifest from "./Manifest.js"
/** @since 0.1.0 */
export * as NodeTransport from "./NodeTransport.js"
/** @since 0.1.0 */
export * as RateLimit from "./RateLimit.js"
/** @since 0.1.0 */
export * as Resource from "./Resource.js"
/** @since 0.1.0 */
export * as ResourceClient from "./ResourceClient.js"
/** @since 0.1.0 */
export * as RestClient from "./RestClient.js"
/** @since 0.1.0 */
export * as RestConfig from "./RestConfig.js"
/** @since 0.1.0 */
export * as RestMapper from "./RestMapper.js"
/** @since 0.1.0 */
export * as RetryPolicy from "./RetryPolicy.js"
/** @since 0.1.0 */
export * as ScaleClient from "./ScaleClient.js"
/** @since 0.1.0 */
export * as Unstructured from "./Unstructured.js"
/** @since 0.1.0 */
export * as Watch from "./Watch.js"
