// The web client's entry point; the placeholder page in client/public is served until it is built.
export const CLIENT_NAME = 'kolokol-web';
