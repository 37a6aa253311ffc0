/**
 * effect-kube: an Effect-native Kubernetes API client. Each module is one concept; generated API types live under
 * the `effect-kube/api/<group>/<version>` subpaths and the fake apiserver in `effect-kube/testing`, outside this
 * barrel, so importing it loads only what a production program needs.
 *
 * @since 0.1.0
 */

/** @since 0.1.0 */
export * as Clientset from "./Clientset.js"
/** @since 0.1.0 */
export * as Credentials from "./Credentials.js"
/** @since 0.2.0 */
export * as CredentialsError from "./CredentialsError.js"
/** @since 0.1.0 */
export * as CustomResource from "./CustomResource.js"
/** @since 0.1.0 */
export * as DiscoveryClient from "./DiscoveryClient.js"
/** @since 0.1.0 */
export * as DynamicClient from "./DynamicClient.js"
/** @since 0.2.0 */
export * as GroupVersion from "./GroupVersion.js"
/** @since 0.2.0 */
export * as HttpExchange from "./HttpExchange.js"
/** @since 0.1.0 */
export * as Kube from "./Kube.js"
/** @since 0.1.0 */
export * as KubeError from "./KubeError.js"
/** @since 0.1.0 */
export * as Kubeconfig from "./Kubeconfig.js"
/** @since 0.1.0 */
export * as KubeRequest from "./KubeRequest.js"
/** @since 0.2.0 */
export * as Limits from "./Limits.js"
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
/** @since 0.2.0 */
export * as RestConfigError from "./RestConfigError.js"
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
/** @since 0.2.0 */
export * as Watcher from "./Watcher.js"
/** @since 0.2.0 */
export * as Store from "./Store.js"
/** @since 0.2.0 */
export * as Informer from "./Informer.js"
/** @since 0.2.0 */
export * as SharedInformers from "./SharedInformers.js"
/** @since 0.2.0 */
export * as Wait from "./Wait.js"
/** @since 0.2.0 */
export * as Conditions from "./Conditions.js"
/** @since 0.2.0 */
export * as MetadataClient from "./MetadataClient.js"
/** @since 0.2.0 */
export * as Controller from "./Controller.js"
/** @since 0.2.0 */
export * as EventRecorder from "./EventRecorder.js"
/** @since 0.2.0 */
export * as Finalizer from "./Finalizer.js"
/** @since 0.2.0 */
export * as LeaderElection from "./LeaderElection.js"
/** @since 0.2.0 */
export * as WorkQueue from "./WorkQueue.js"
/** @since 0.2.0 */
export * as PodCopy from "./PodCopy.js"
/** @since 0.2.0 */
export * as PodExec from "./PodExec.js"
/** @since 0.2.0 */
export * as PortForward from "./PortForward.js"
/** @since 0.2.0 */
export * as WebSocketTransport from "./WebSocketTransport.js"
