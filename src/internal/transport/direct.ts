/**
 * The transport's side of HttpExchange (the public module holds the contract): the names the transport and the
 * RestClient use.
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import * as HttpExchange from "../../HttpExchange.js"

export type Buffered = HttpExchange.Buffered
export type Exchange = HttpExchange.Exchange

/** The client, with `exchange` as its buffered fast path. */
export const attach = (client: HttpClient.HttpClient, exchange: Exchange): HttpClient.HttpClient =>
  HttpExchange.withExchange(client, exchange)

export const readBytes = HttpExchange.readBytes

/** The exchange for any HttpClient: its own when it has one, otherwise `execute` and a full read. */
export const exchangeFor = HttpExchange.exchangeOf

/** Whether `client` carries an exchange of its own. */
export const hasDirect = (client: HttpClient.HttpClient): boolean => HttpExchange.hasExchange(client)
