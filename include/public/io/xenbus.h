/* The xenbus device states of Xen's io/xenbus.h: the values a frontend and its backend write to
 * their "state" nodes in the xenstore as they connect and close. */
#pragma once

enum xenbus_state {
	XenbusStateUnknown = 0,
	XenbusStateInitialising = 1,
	XenbusStateInitWait = 2,    /* backend: waiting for the frontend's details */
	XenbusStateInitialised = 3, /* frontend: ring-ref and event-channel written */
	XenbusStateConnected = 4,
	XenbusStateClosing = 5,
	XenbusStateClosed = 6,
	XenbusStateReconfiguring = 7,
	XenbusStateReconfigured = 8,
};
