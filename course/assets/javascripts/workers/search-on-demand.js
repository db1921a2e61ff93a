/*
 * The site's search worker: Material for MkDocs' own, named by this script's "worker"
 * parameter (site/overrides/main.html), with one change: the index is built at the first
 * search, not at every page load.
 *
 * Material sends the whole site's index to its worker as each page loads, and the worker
 * builds Lunr's index at once: about half a second of processor time on a desktop, more on a
 * phone, at every page a reader opens, though few pages are read with a search. Here the
 * index is kept as received, "ready" is answered at once, and the first query that is not
 * blank builds it (with the language's stemmer) before it is answered; later queries find it
 * built. A blank query (Material sends one as the page loads) has no result either way.
 */
"use strict";

const SETUP = 0;
const READY = 1;
const QUERY = 2;
const RESULT = 3;

const material = new URL(self.location.href).searchParams.get("worker") || "";
if (!/^search\.[0-9a-f]+\.min\.js$/.test(material)) {
  throw new Error(`not Material's search worker: ${material}`);
}

// Material's worker registers one "message" listener: it is taken to be called from here.
const listen = self.addEventListener.bind(self);
let answer = null;
self.addEventListener = (type, listener, options) => {
  if (type === "message") {
    answer = listener;
  } else {
    listen(type, listener, options);
  }
};
importScripts(material);
self.addEventListener = listen;

// Its own "ready", when it builds the index at the first query, has already been sent.
const send = self.postMessage.bind(self);
let building = false;
self.postMessage = (message, ...rest) => {
  if (!(building && message && message.type === READY)) {
    send(message, ...rest);
  }
};

let setup = null; // the index as received, until the first query
let queue = Promise.resolve();
listen("message", (event) => {
  if (event.data && event.data.type === SETUP) {
    setup = event;
    send({ type: READY });
    return;
  }
  if (setup && event.data && event.data.type === QUERY && !String(event.data.data).trim()) {
    send({ type: RESULT, data: { items: [] } });
    return;
  }
  queue = queue
    .then(async () => {
      if (setup) {
        const pending = setup;
        setup = null;
        building = true;
        try {
          await answer(pending); // a failed build leaves Material's own "no result" below
        } catch (error) {
          console.warn(error);
        } finally {
          building = false;
        }
      }
      await answer(event);
    })
    .catch((error) => console.warn(error)); // one failed answer does not stop the next
});
