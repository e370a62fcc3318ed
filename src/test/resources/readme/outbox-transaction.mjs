// The README's Node example: an order and its outbox event in one transaction (npm package mongodb 6 or newer).
import { MongoClient, ObjectId } from 'mongodb';

const client = new MongoClient(process.env.MONGODB_URI);
const db = client.db('shop');
const session = client.startSession();
try {
  await session.withTransaction(async () => {
    const order = { _id: new ObjectId(), customer: 'c-42', total: 99.5 };
    await db.collection('orders').insertOne(order, { session });
    await db.collection('outbox').insertOne({
      _id: new ObjectId(),
      type: 'order.created',
      payload: { orderId: order._id, total: order.total },
      headers: { 'producer': 'node-example' },
    }, { session });
  });
} finally {
  await session.endSession();
  await client.close();
}
