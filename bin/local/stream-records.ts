/**
 * DynamoDB Streams API records -> the records Lambda hands a function
 * (aws-lambda's DynamoDBRecord): epoch-second creation time, base64 binaries,
 * the stream ARN and region filled in as the event source mapping does.
 */
import type {
  AttributeValue as StreamsAttributeValue,
  _Record as StreamsRecord,
} from '@aws-sdk/client-dynamodb-streams';
import type { AttributeValue, DynamoDBRecord, StreamRecord } from 'aws-lambda';

function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64');
}

export function lambdaAttributeValue(value: StreamsAttributeValue): AttributeValue {
  if (value.S !== undefined) return { S: value.S };
  if (value.N !== undefined) return { N: value.N };
  if (value.BOOL !== undefined) return { BOOL: value.BOOL };
  if (value.NULL !== undefined) return { NULL: value.NULL };
  if (value.B !== undefined) return { B: toBase64(value.B) };
  if (value.SS !== undefined) return { SS: value.SS };
  if (value.NS !== undefined) return { NS: value.NS };
  if (value.BS !== undefined) return { BS: value.BS.map(toBase64) };
  if (value.L !== undefined) return { L: value.L.map(lambdaAttributeValue) };
  if (value.M !== undefined) return { M: lambdaImage(value.M) };
  throw new Error(`Unknown attribute value type: ${Object.keys(value).join(',')}`);
}

export function lambdaImage(image: Record<string, StreamsAttributeValue>): Record<string, AttributeValue> {
  return Object.fromEntries(
    Object.entries(image).map(([name, value]) => [name, lambdaAttributeValue(value)]),
  );
}

export function lambdaRecord(record: StreamsRecord, streamArn: string, region: string): DynamoDBRecord {
  const source = record.dynamodb ?? {};
  const dynamodb: StreamRecord = {};
  if (source.ApproximateCreationDateTime !== undefined) {
    dynamodb.ApproximateCreationDateTime = Math.floor(source.ApproximateCreationDateTime.getTime() / 1000);
  }
  if (source.Keys !== undefined) dynamodb.Keys = lambdaImage(source.Keys);
  if (source.NewImage !== undefined) dynamodb.NewImage = lambdaImage(source.NewImage);
  if (source.OldImage !== undefined) dynamodb.OldImage = lambdaImage(source.OldImage);
  if (source.SequenceNumber !== undefined) dynamodb.SequenceNumber = source.SequenceNumber;
  if (source.SizeBytes !== undefined) dynamodb.SizeBytes = source.SizeBytes;
  if (source.StreamViewType !== undefined) dynamodb.StreamViewType = source.StreamViewType;
  const converted: DynamoDBRecord = {
    eventID: record.eventID,
    eventVersion: record.eventVersion ?? '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: region,
    eventSourceARN: streamArn,
    dynamodb,
  };
  if (record.eventName !== undefined) converted.eventName = record.eventName;
  return converted;
}
