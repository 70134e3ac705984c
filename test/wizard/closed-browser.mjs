#!/usr/bin/env node
// The user's browser when the user closes the tab: BROWSER starts it with the login URL, it exits 0,
// and nothing ever visits the URL or comes back to the loopback listener.
