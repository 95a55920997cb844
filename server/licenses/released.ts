// A license released by its computer ("Release this computer") and not yet moved on belongs to no machine:
// its anchor is this placeholder, which no app's anchor can ever equal (an anchor is 43 base64url characters).
export const releasedAnchor = (transferId: string): string => `released:${transferId}`;

export const isReleasedAnchor = (anchor: string): boolean => anchor.startsWith('released:');
