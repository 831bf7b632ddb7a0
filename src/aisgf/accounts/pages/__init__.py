"""The accounts concern's pages: sign-in and second factor (`auth`), identity provider (`oidc`), accounts (`admin`)."""
