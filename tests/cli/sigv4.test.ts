/** SigV4 for the deployed API: what API Gateway checks before any of our code runs. */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../bin/cli/errors.js';
import type { HttpRequest } from '../../bin/cli/http.js';
import { regionFromUrl, signingRegion, signRequest } from '../../bin/cli/sigv4.js';
import { referenceSignature } from './sigv4-reference.js';

const credentials = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
};
const signingDate = new Date('2027-03-01T12:00:00Z');
const body = new TextEncoder().encode(
  'MSH|^~\\&|LAB|NDC|ALERTING|NDC|20270301060000-0600||ORU^R01|C1|P|2.5.1\r',
);

function hl7Request(url = 'https://abc123.execute-api.eu-west-1.amazonaws.com/v1/hl7'): HttpRequest {
  return {
    method: 'POST',
    url: new URL(url),
    headers: { 'content-type': 'x-application/hl7-v2+er7; charset=utf-8' },
    body,
  };
}

/** The signed headers as API Gateway will see them, for the reference computation. */
function signedPart(request: HttpRequest): Record<string, string> {
  const names = /SignedHeaders=([^,]+)/.exec(request.headers.authorization ?? '')?.[1]?.split(';') ?? [];
  return Object.fromEntries(names.map((name) => [name, request.headers[name] ?? '']));
}

describe('signRequest', () => {
  it('adds x-amz-date, the body hash and an Authorization header of the SigV4 shape', async () => {
    const signed = await signRequest(hl7Request(), { region: 'eu-west-1', credentials, signingDate });
    expect(signed.headers['x-amz-date']).toBe('20270301T120000Z');
    expect(signed.headers['x-amz-content-sha256']).toBe(createHash('sha256').update(body).digest('hex'));
    expect(signed.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/20270301\/eu-west-1\/execute-api\/aws4_request, SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date, Signature=[0-9a-f]{64}$/,
    );
    expect(signed.headers.host).toBe('abc123.execute-api.eu-west-1.amazonaws.com');
    expect(signed.body).toBe(body);
  });

  it('computes the signature the SigV4 specification gives', async () => {
    const signed = await signRequest(hl7Request(), { region: 'eu-west-1', credentials, signingDate });
    const expected = referenceSignature(
      { method: 'POST', path: '/v1/hl7', query: new URLSearchParams(), headers: signedPart(signed), body },
      credentials,
      'eu-west-1',
      'execute-api',
      '20270301T120000Z',
    );
    expect(signed.headers.authorization).toBe(expected.authorization);
  });

  it('signs encoded path segments and query parameters as API Gateway canonicalises them', async () => {
    const url =
      'https://abc123.execute-api.eu-west-1.amazonaws.com/v1/patients/NDC%20EAST/900%2F01/cohort?limit=50&cursor=eyJ=a%2Bb';
    const request: HttpRequest = { ...hl7Request(url), headers: { 'content-type': 'application/json' } };
    const signed = await signRequest(request, { region: 'eu-west-1', credentials, signingDate });
    const expected = referenceSignature(
      {
        method: 'POST',
        path: new URL(url).pathname,
        query: new URL(url).searchParams,
        headers: signedPart(signed),
        body,
      },
      credentials,
      'eu-west-1',
      'execute-api',
      '20270301T120000Z',
    );
    expect(expected.canonicalRequest.split('\n').slice(1, 3)).toEqual([
      '/v1/patients/NDC%2520EAST/900%252F01/cohort',
      'cursor=eyJ%3Da%2Bb&limit=50',
    ]);
    expect(signed.headers.authorization).toBe(expected.authorization);
  });

  it('signs the body: another body gives another signature', async () => {
    const options = { region: 'eu-west-1', credentials, signingDate };
    const a = await signRequest(hl7Request(), options);
    const b = await signRequest({ ...hl7Request(), body: new TextEncoder().encode('MSH|^~\\&|X') }, options);
    expect(b.headers['x-amz-content-sha256']).not.toBe(a.headers['x-amz-content-sha256']);
    expect(b.headers.authorization).not.toBe(a.headers.authorization);
  });

  it('sends and signs a session token of temporary credentials', async () => {
    const signed = await signRequest(hl7Request(), {
      region: 'eu-west-1',
      credentials: { ...credentials, sessionToken: 'TOKEN123' },
      signingDate,
    });
    expect(signed.headers['x-amz-security-token']).toBe('TOKEN123');
    expect(signed.headers.authorization).toContain(';x-amz-security-token');
  });
});

describe('signing region', () => {
  const apiUrl = new URL('https://abc123.execute-api.ap-southeast-2.amazonaws.com/v1/hl7');

  it('is read from an execute-api host', () => {
    expect(regionFromUrl(apiUrl)).toBe('ap-southeast-2');
    expect(regionFromUrl(new URL('https://hl7.hospital.example.org/hl7'))).toBeUndefined();
  });

  it('comes from --region, else AWS_REGION, else the URL', () => {
    expect(signingRegion('us-west-2', 'eu-west-1', apiUrl)).toBe('us-west-2');
    expect(signingRegion(undefined, 'eu-west-1', apiUrl)).toBe('eu-west-1');
    expect(signingRegion(undefined, undefined, apiUrl)).toBe('ap-southeast-2');
  });

  it('is asked for when nothing gives it (a custom domain)', () => {
    expect(() => signingRegion(undefined, '', new URL('https://hl7.hospital.example.org/hl7'))).toThrow(
      UsageError,
    );
  });
});
